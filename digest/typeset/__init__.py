"""Typesetting: an HTML page laid out as PDF bytes by WeasyPrint, in this process or in a worker
process that loads WeasyPrint while the build does its other work. Light to import: nothing here
loads WeasyPrint, the settings or the templates at import time."""
