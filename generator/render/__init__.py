"""Rendering services every output format shares: Markdown, the one Jinja environment, images and
routes."""
