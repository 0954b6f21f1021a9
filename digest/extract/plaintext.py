"""The cleaner for plain-text dumps of web pages: a jusText/boilerpipe-style block scorer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import justext

from digest.extract import dates
from digest.extract.boilerplate import (
    CREDIT,
    INLINE_LINK,
    TERMINATOR,
    WORD,
    furniture_hits,
    is_byline,
    is_menu_line,
)

_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣*+]|-(?=\s)|\d{1,2}[.)](?=\s))\s*")
_SENTENCE_END = re.compile(r"[.!?…:;][\"”’»)\]]*$")
# jusText stoplist names for the ISO 639-1 codes py3langid returns.
_CODES = (
    "en=English ru=Russian be=Belarusian uk=Ukrainian pl=Polish lt=Lithuanian lv=Latvian "
    "et=Estonian de=German fr=French es=Spanish it=Italian pt=Portuguese nl=Dutch cs=Czech "
    "sk=Slovak sv=Swedish fi=Finnish da=Danish no=Norwegian_Bokmal ro=Romanian hu=Hungarian "
    "bg=Bulgarian sr=Serbian hr=Croatian tr=Turkish ka=Georgian kk=Kazakh"
)
STOPLISTS = dict(pair.split("=") for pair in _CODES.split())
GOOD_WORDS = 8  # fewer words than this is a short block (heading, label, teaser line)
LONG_WORDS = 30  # a block this long is text even without a closing full stop
MIN_DENSITY = 0.22  # share of stopwords below which a block reads like a list of names
PENALTY_BAD = 40  # what a furniture block costs a run of article blocks, in words
PENALTY_SHORT = 3  # what a short unmarked block costs a run
TEASER_WORDS = 60  # a lone paragraph after a tail headline longer than this is not a teaser


@dataclass(frozen=True)
class Block:
    """One line or paragraph of the dump, with the label the scorer gave it."""

    text: str
    kind: str  # "good", "short", "bad", "byline", "link" (read also: …), "end" (a terminator)
    words: int


@dataclass(frozen=True)
class CleanedPage:
    """The article found in a dump: its title, body paragraphs, byline lines, dropped lines."""

    title: str | None
    paragraphs: tuple[str, ...]
    byline_lines: tuple[str, ...]
    dropped: tuple[str, ...]


@lru_cache(maxsize=32)
def stopwords(language: str | None) -> frozenset[str]:
    """The jusText stoplist for an ISO 639-1 code; empty when there is none for it."""
    name = STOPLISTS.get(language or "")
    return justext.get_stoplist(name) if name else frozenset()


def split_blocks(text: str) -> list[str]:
    """The dump's blocks: one per line, or one per paragraph when the lines are hard-wrapped."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    parts = re.split(r"\n\s*\n", text) if _hard_wrapped(lines) else lines
    return [" ".join(p.split()) for p in parts if p.strip()]


def _hard_wrapped(lines: list[str]) -> bool:
    """Whether the text was wrapped at a fixed width (most long lines break mid-sentence)."""
    long = [line for line in lines if len(line) >= 40]
    if len(long) < 4 or max(len(line) for line in lines) > 100:
        return False
    return sum(not _SENTENCE_END.search(line) for line in long) >= 0.6 * len(long)


def classify(text: str, stops: frozenset[str]) -> Block:
    """Label one block: article text, a short line, furniture, a byline or an article end."""
    n = len(words := WORD.findall(text))
    if TERMINATOR.match(text) and n <= 12:
        return Block(text, "end", n)
    if INLINE_LINK.match(text) and n <= 30:
        return Block(text, "link", n)
    if is_byline(text):
        return Block(text, "byline", n)
    hits = furniture_hits(text)
    if (hits and n < 40) or hits >= 2 or CREDIT.search(text) or _menu(text, n):
        return Block(text, "bad", n)
    density = sum(w.lower() in stops for w in words) / n if stops and n else 1.0
    sentence = bool(_SENTENCE_END.search(text)) or n >= LONG_WORDS
    if n >= GOOD_WORDS and sentence and density >= MIN_DENSITY and _reads_as_words(text):
        return Block(text, "good", n)
    return Block(text, "short" if n < LONG_WORDS else "bad", n)


def _menu(text: str, n: int) -> bool:
    """Whether a short line is a menu row or a bare number (a date line is neither)."""
    return n < 12 and is_menu_line(text) and not dates.find_mentions(text)


def _reads_as_words(text: str) -> bool:
    """Whether a block is written language: no control characters, mostly letters and spaces."""
    control = any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c == "\ufffd" for c in text)
    return not control and sum(c.isalpha() or c.isspace() for c in text) >= 0.75 * len(text)


def best_run(blocks: list[Block]) -> tuple[int, int] | None:
    """The densest run of article blocks (start, end exclusive); runs never cross an end line."""
    best, best_score, start, score = None, 0, 0, 0
    for i, block in enumerate(blocks):
        score += _gain(block, blocks[i - 1] if i else None)
        if score <= 0:
            start, score = i + 1, 0
        elif score > best_score:
            best, best_score = (start, i + 1), score
    return best


def _gain(block: Block, previous: Block | None) -> int:
    """A block's worth to a run: its words, or a penalty (paid once per box of furniture)."""
    if block.kind in ("good", "end"):  # an end line stops any run
        return block.words if block.kind == "good" else -(10**9)
    repeated = block.kind in ("short", "link") or (previous and previous.kind in ("bad", "byline"))
    return -PENALTY_SHORT if repeated else -PENALTY_BAD


def _keep_in_run(run: list[Block]) -> list[bool]:
    """Keep good blocks, and short ones (headings, attributions) that good text follows."""
    keep, following_kept = [False] * len(run), False
    for i in range(len(run) - 1, -1, -1):
        keep[i] = run[i].kind == "good" or (run[i].kind == "short" and following_kept)
        following_kept = keep[i]
    return keep


def _drop_tail_teaser(run: list[Block], keep: list[bool]) -> list[bool]:
    """Drop a headline plus a single teaser at the end when the article has no other headings."""
    kept = [i for i, k in enumerate(keep) if k]
    if len(kept) < 3 or run[kept[-1]].words > TEASER_WORDS or run[kept[-2]].kind != "short":
        return keep
    if any(run[i].kind == "short" for i in kept[1:-2]):  # an article with subheadings
        return keep
    return [k and i not in kept[-2:] for i, k in enumerate(keep)]


def _title(before: list[Block], byline: list[str]) -> str | None:
    """The headline: the line just above a byline, else the first headline-like line."""
    heads = [b.kind == "short" and 3 <= b.words <= 30 and _named(b.text, byline) for b in before]
    candidates = [i for i, head in enumerate(heads) if head]
    for gap in (1, 2):  # the headline nearest the byline wins over a menu line above it
        for i in candidates:
            if i + gap < len(before) and (
                before[i + gap].kind == "byline" or before[i + gap].text in byline
            ):
                return before[i].text
    return before[candidates[0]].text if candidates else None


def _named(text: str, byline: list[str]) -> bool:
    """Whether a line says more than a byline or date: three words left once dates are cut."""
    rest = text
    for m in reversed(dates.find_mentions(text)):
        rest = rest[: m.start] + " " + rest[m.end :]
    return text not in byline or (not is_byline(text) and len(WORD.findall(rest)) >= 3)


def clean_text(text: str, language: str | None = "en") -> CleanedPage:
    """Find the article in a plain-text dump; the language picks the stoplist used to score."""
    stops = stopwords(language)
    blocks = [classify(_BULLET.sub("", b) or b, stops) for b in split_blocks(text)]
    run = best_run(blocks)
    if run is None:
        return CleanedPage(None, (), (), tuple(b.text for b in blocks))
    start, end = run
    keep = _drop_tail_teaser(blocks[start:end], _keep_in_run(blocks[start:end]))
    body = [b.text for b, k in zip(blocks[start:end], keep, strict=True) if k]
    byline = [b.text for b in blocks[: start + 2] if b.kind == "byline"]
    dated = [b for b in blocks[:start] if any(m.year for m in dates.find_mentions(b.text))]
    byline += [b.text for b in dated if b.kind == "short"]  # a date line above the article
    title = _title(blocks[:start], byline)
    dropped = tuple(b.text for b in blocks if b.text not in {*body, title})
    return CleanedPage(title, tuple(body), tuple(byline), dropped)


_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]"), r"\1\2"),  # links
    (re.compile(r"<(https?://[^>]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[a-zA-Z][^>]*>"), ""),  # inline HTML tags
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)\*|(?<!\w)_(?!\s)(.+?)_(?!\w)"), r"\1\2"),  # emphasis
    (re.compile(r"`([^`]*)`"), r"\1"),  # inline code
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),  # escapes
)
_BLOCK_START = re.compile(r"^\s{0,3}(#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+|>\s?)")
_SKIP_LINE = re.compile(
    r"^\s{0,3}([-*_]\s*){3,}$|^\s{0,3}\[[^\]]+\]:\s|^\s{0,3}(=+|-+)\s*$|^\|?[\s:|-]+\|"
)


def markdown_paragraphs(text: str) -> list[str]:
    """Markdown body as plain paragraphs: headings, list items and paragraphs each one block."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")) or _SKIP_LINE.match(line) or not line.strip():
            current = _flush(current, paragraphs)
            continue
        marker = _BLOCK_START.match(line)
        if marker and not marker.group(1).startswith(">"):
            current = _flush(current, paragraphs)
        current.append(line[marker.end() :] if marker else line.strip().strip("|"))
        if marker and marker.group(1).startswith("#"):
            current = _flush(current, paragraphs)
    _flush(current, paragraphs)
    return paragraphs


def _flush(lines: list[str], into: list[str]) -> list[str]:
    """Close a paragraph: join its lines, strip inline markup, append it; a fresh empty list."""
    text = " ".join(" ".join(lines).replace("|", " ").split())
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    into.extend(filter(None, [text.strip(" #")]))
    return []
