"""Held-out check of the plain-text cleaner and date finder: ten page dumps in
tests/fixtures/extract_unseen (each sidecar labels every line article or boilerplate and gives
the publication date), scored line by line against floors pinned in
tests/floors/extraction_unseen.json."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from digest.extract.article import extract
from digest.models import Extracted
from tests.test_extract import Case, date_correct, load_case

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "extract_unseen"
FLOORS = ROOT / "tests" / "floors" / "extraction_unseen.json"
CASES = [load_case(p) for p in sorted(FIXTURES.glob("*.expected.yaml"))]


def kept_units(result: Extracted) -> list[str]:
    """What extraction kept, one unit per line of the dump: the title and each paragraph."""
    return ([result.title] if result.title else []) + result.text.split("\n\n")


def strict_score(case: Case, result: Extracted) -> dict[str, float]:
    """Precision (kept units equal to a labelled article line) and recall (article lines kept
    whole); exact matching, so a kept menu word never counts because an article line holds it."""
    kept = kept_units(result)
    article = set(case.article)
    relevant = [unit in article for unit in kept]
    found = [line in kept for line in case.article]
    return {
        "precision": round(sum(relevant) / len(relevant), 4) if relevant else 0.0,
        "recall": round(sum(found) / len(found), 4) if found else 1.0,
    }


def measure() -> dict[str, dict]:
    """Per-fixture precision, recall, title and date correctness of the current extractor."""
    out = {}
    for case in CASES:
        result = extract(case.doc)
        out[case.name] = strict_score(case, result) | {
            "title": result.title == case.spec["title"],
            "date": date_correct(case, result),
            "found": f"{result.published} ({result.date_method})",
        }
    return out


def corpus_hash() -> str:
    """sha256 over every fixture file's name and bytes, so floors follow the corpus."""
    digest = hashlib.sha256()
    for path in sorted(FIXTURES.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def test_every_nonblank_line_is_labelled_once():
    """Each non-blank line of a dump is article or boilerplate, never both, never neither."""
    from tests.test_extract import _line_numbers

    for case in CASES:
        lines = (ROOT / case.spec["source"]).read_text(encoding="utf-8").splitlines()
        labelled = _line_numbers(case.spec["article_lines"] + case.spec["boilerplate_lines"])
        assert sorted(labelled) == [n for n, line in enumerate(lines, 1) if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_boilerplate_never_survives_as_a_unit(case: Case):
    """No line labelled boilerplate is kept as a paragraph of its own."""
    units = set(kept_units(extract(case.doc)))
    assert not [line for line in case.boilerplate if line in units]


def test_floors_and_corpus_hash():
    """Scores never fall below the pinned floors; the corpus is the one they were pinned on."""
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    assert corpus_hash() == floors["corpus_sha256"], "fixtures changed: re-measure, re-pin floors"
    measured = measure()
    assert set(floors["fixtures"]) == set(measured), "every fixture needs a pinned floor"
    for name, floor in floors["fixtures"].items():
        assert measured[name]["precision"] >= floor["precision"], (name, measured[name])
        assert measured[name]["recall"] >= floor["recall"], (name, measured[name])
    assert sum(m["date"] for m in measured.values()) / len(measured) >= floors["date_accuracy"]
    assert sum(m["title"] for m in measured.values()) / len(measured) >= floors["title_accuracy"]


if __name__ == "__main__":  # print the measured scores: python -m tests.test_extract_unseen
    json.dump({"corpus_sha256": corpus_hash(), "fixtures": measure()}, sys.stdout, indent=1)
