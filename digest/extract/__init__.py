"""Extract: clean text, title, date and language from raw pages, files and posts."""
