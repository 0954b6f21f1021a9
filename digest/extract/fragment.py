"""Text a feed entry or a channel post carries itself: its own markup read as paragraphs.

A full web page needs boilerplate removal (menus, footers, related links); the HTML of a feed
entry or a Telegram post is the report and nothing else, often one <p>, a <div><p>, plain text
or lines split by <br>. A page extractor tuned for precision throws such short, single-block
texts away, so they are read here block by block instead.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Comment, NavigableString

# Elements that end a paragraph; <br> ends a line, which in a post is a paragraph too.
BLOCKS = (
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote pre table tr section article "
    "header footer aside figure figcaption hr address details summary"
).split()
# Elements whose content is never text to read.
DROP = "script style noscript template iframe object embed svg form button select".split()
# Lines feeds add after the report: not part of it.
_FEED_TAIL = re.compile(
    r"^(the post .{1,300} appeared first on .{1,200}|read more|continue reading|"
    r"читать далее|подробнее|далее)\W*$",
    re.IGNORECASE,
)
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
MIN_LETTERS = 20  # fewer letters than this is not a report (a caption, an emoji, a link)


def fragment_paragraphs(markup: str) -> list[str]:
    """The paragraphs of an entry's or a post's own text, HTML or plain, feed tails dropped."""
    if _TAG.search(markup):
        lines = _html_lines(markup)
    else:
        lines = _plain_lines(html.unescape(markup))
    lines = [x for x in lines if not _FEED_TAIL.match(x)]
    if sum(c.isalpha() for x in lines for c in x) < MIN_LETTERS:
        return []
    return lines


def _plain_lines(text: str) -> list[str]:
    """Plain text: paragraphs between blank lines, hard-wrapped lines joined."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [p for p in (" ".join(b.split()) for b in blocks) if p]


def _html_lines(markup: str) -> list[str]:
    """HTML: one paragraph per block element or <br>-separated line, white space folded."""
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup(DROP):
        tag.decompose()
    for note in soup.find_all(string=lambda s: isinstance(s, Comment)):
        note.extract()
    for string in list(soup.find_all(string=True)):
        if isinstance(string, NavigableString) and string.find_parent("pre") is None:
            string.replace_with(re.sub(r"\s+", " ", str(string)))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = soup.get_text()
    return [p for p in (" ".join(x.split()) for x in text.split("\n")) if p]
