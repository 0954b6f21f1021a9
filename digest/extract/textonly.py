"""Text from sources reduced to text: markup tags removed and character entities decoded.

Feeds and pages put markup and entities into titles and summaries ("<b>Bold</b> &amp; more",
sometimes escaped twice). Templates escape what they are given, so markup left in would be shown
to readers as literal "&lt;b&gt;". `plain_text` runs before anything reaches a template: at
ingest for every item, and once more when an issue is assembled, in case a stored item predates it.
"""

from __future__ import annotations

import html
import re

import nh3

_PASSES = 3  # "&amp;lt;b&amp;gt;" needs one pass per level of escaping
_SPACES = re.compile(r"[^\S\n]+")


def _one_pass(value: str) -> str:
    """Drop every tag (keeping the text inside, a script's too) and decode the entities."""
    stripped = nh3.clean(value, tags=set(), clean_content_tags=set(), strip_comments=True)
    return html.unescape(stripped)


def plain_text(value: str, *, one_line: bool = False) -> str:
    """The text a reader should see: no tags, entities decoded; `one_line` folds all spaces."""
    text = value
    for _ in range(_PASSES):
        if "<" not in text and "&" not in text:
            break
        cleaned = _one_pass(text)
        if cleaned == text:
            break
        text = cleaned
    if one_line:
        return " ".join(text.split())
    if text == value:
        return value  # nothing to reduce: the text is kept exactly as it came
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def plain_title(value: str | None) -> str | None:
    """A title as one line of text, or None when nothing readable is left."""
    if value is None:
        return None
    return plain_text(value, one_line=True) or None
