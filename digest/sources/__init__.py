"""The registry of source kinds: `kind` name -> adapter class."""

from digest.sources.files import FileSource
from digest.sources.rss import RssSource
from digest.sources.telegram import TelegramSource
from digest.sources.web import WebSource

SOURCES = {cls.kind: cls for cls in (FileSource, RssSource, WebSource, TelegramSource)}
