"""Same-event detection: the labelled pair set against pinned floors, dates, scripts, clusters."""

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from bench.stories import PAIRS, load_pair_set, measure, pair_set_hash
from digest.compose.sameevent import EventIndex, Matching, Report, clusters, is_cyrillic, tokens
from digest.errors import DigestError

FLOORS = Path(__file__).parent / "floors" / "stories.json"
REPORTS = yaml.safe_load((PAIRS / "own_reports.yaml").read_text(encoding="utf-8"))


def report(name: str, day: date | None = None) -> Report:
    """A report of the pair set's own_reports.yaml, on its own date unless another is given."""
    row = REPORTS[name]
    return Report(row["text"], day or date.fromisoformat(str(row["date"])))


def test_the_pair_set_is_the_one_the_floors_were_measured_on():
    assert pair_set_hash() == json.loads(FLOORS.read_text())["pair_set_sha256"]


def test_precision_and_recall_stay_above_the_pinned_floors():
    floors = json.loads(FLOORS.read_text())
    reports, pairs = load_pair_set()
    got = measure(EventIndex(reports), pairs, Matching(threshold=floors["threshold"]))
    assert len(pairs) >= 60 and sum(not p.same for p in pairs) >= 30
    assert got["precision"] >= floors["precision"] and got["recall"] >= floors["recall"]


def test_two_events_on_one_day_by_one_ministry_stay_apart():
    day = date(2025, 1, 16)  # the staff exercise in Minsk and the Hrodna training, same dates
    index = EventIndex([report("staff-a", day), report("hrodna-a", day), report("volat-a")])
    assert not index.same(0, 1, Matching())


def test_one_event_in_russian_and_in_english_meets_through_names_and_numbers():
    index = EventIndex([report("verdict-a"), report("verdict-b"), report("seimas-a")])
    sig = index.signals(0, 1)
    assert not sig.same_script and index.same(0, 1, Matching())
    assert not index.same(0, 2, Matching())


def test_reports_too_far_apart_in_time_are_never_one_event():
    late = report("volat-b", date(2025, 2, 20))
    index = EventIndex([report("volat-a"), late, report("seimas-a"), report("iran-a")])
    assert index.signals(0, 1).score(Matching()) >= Matching().threshold
    assert not index.same(0, 1, Matching())


def test_clusters_group_three_outlets_and_leave_the_other_events_alone():
    names = ["call-a", "staff-a", "call-b", "seimas-a", "call-c", "hrodna-a"]
    got = clusters(EventIndex([report(n) for n in names]), Matching())
    assert [0, 2, 4] in got and len(got) == 4


def test_tokens_normalise_numbers_and_fold_names():
    assert "#136000" in tokens("over 136 thousand people") and "#1300" in tokens("about 1,300")
    assert tokens("Лукашенко") == tokens("Lukashenka") and is_cyrillic("Вясна подсчитала")


def test_an_empty_batch_is_an_error():
    with pytest.raises(DigestError, match="at least one report"):
        EventIndex([])


def test_tfidf_matches_scikit_learn():
    """The build's own TF-IDF gives the cosines of sklearn's TfidfVectorizer (sublinear tf)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from digest.compose.sameevent import tfidf

    texts = [report(n).text for n in ("staff-a", "hrodna-a", "volat-a", "verdict-a", "iran-a")]
    ours = tfidf([tokens(t) for t in texts])
    theirs = TfidfVectorizer(analyzer=tokens, sublinear_tf=True).fit_transform(texts)
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray())


def _naive_clusters(link, threshold: float) -> list[list[int]]:
    """Average linkage the plain way: merge the best pair of the whole matrix, again and again."""
    import numpy as np

    link = link.copy()
    groups = {i: [i] for i in range(len(link))}
    while len(groups) > 1:
        a, b = np.unravel_index(int(np.argmax(link)), link.shape)
        if link[a, b] < threshold:
            break
        a, b = int(min(a, b)), int(max(a, b))
        size_a, size_b = len(groups[a]), len(groups[b])
        with np.errstate(invalid="ignore"):
            merged = (size_a * link[a] + size_b * link[b]) / (size_a + size_b)
        merged[np.isnan(merged)] = -np.inf
        link[a, :] = link[:, a] = merged
        link[a, a] = -np.inf
        link[b, :] = link[:, b] = -np.inf
        groups[a] += groups.pop(b)
    return sorted(sorted(g) for g in groups.values())


class _Fixed:
    """An index whose score matrix is given (the clustering alone under test)."""

    def __init__(self, link) -> None:
        self.link = link
        self.reports = [None] * len(link)

    def scores(self, matching):
        return self.link.copy()


def test_clusters_are_those_of_always_merging_the_best_pair():
    """Keeping each row's best link gives the groups of the whole-matrix search, ties included."""
    import random

    import numpy as np

    from digest.compose import sameevent

    rng = random.Random(3)
    for size in (2, 7, 40, 120):
        raw = np.array([[round(rng.random(), 1) for _ in range(size)] for _ in range(size)])
        link = np.triu(raw, 1) + np.triu(raw, 1).T  # symmetric, many ties
        link[rng.randrange(size), :] = -np.inf  # a report far apart in time from all
        link = np.minimum(link, link.T)
        np.fill_diagonal(link, -np.inf)

        got = sameevent.clusters(_Fixed(link), Matching(threshold=0.45))
        assert got == _naive_clusters(link, 0.45), size


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Лукашенко встретился с Путиным в Минске.", True),
        ("Lukashenka met Putin in Minsk (Лукашенко).", False),
        ("Лукашенко Minsk", True),  # 9 Cyrillic letters of 14
        ("Мінск ² ½ Ⅳ 2025", True),  # numerals are not letters
        ("аа\u0483\u0483\u0483 b", True),  # combining marks are not letters
        ("1234 — ,.", False),  # no letter at all
        ("", False),
    ],
)
def test_is_cyrillic_counts_letters_only(text, expected):
    letters = [c for c in text if c.isalpha()]
    assert expected == (
        bool(letters) and 2 * sum("\u0400" <= c <= "\u04ff" for c in letters) > len(letters)
    )
    assert is_cyrillic(text) is expected
