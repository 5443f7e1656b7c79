"""The public website format: pages, lists, search, honour wall and volunteer dashboard."""
