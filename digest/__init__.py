"""digest: builds a weekly briefing digest from feeds, web pages, channels and local files."""

__version__ = "0.1.0"
