"""文明常山 publishing tool: Markdown stories, activities and letters to a website, LED frames and
WeChat articles."""

__version__ = "0.1.0"
