"""Tests for digest.extract.article: every fixture in tests/fixtures/extract (each sidecar says
what it expects), the decoding rules, source-known values, and the pinned quality floors."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from digest.errors import DigestError
from digest.extract.article import decode, extract
from digest.models import Document, Extracted

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "extract"
FLOORS = ROOT / "tests" / "floors" / "extraction.json"
REFERENCE = datetime(2026, 1, 15, tzinfo=UTC)


@dataclass
class Case:
    """One fixture: its expectations, the Document to extract, and its labelled strings."""

    name: str
    spec: dict
    doc: Document
    article: list[str]
    boilerplate: list[str]
    whole_lines: bool  # seed labels are whole lines; sidecar strings are fragments


def _line_numbers(ranges: list[str]) -> list[int]:
    """Line numbers from labels such as "3-10" and "17"."""
    out: list[int] = []
    for label in ranges:
        first, _, last = str(label).partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


def _seed_line(line: str) -> str:
    """A seed line as it should appear in clean text: bullet gone, whitespace normalised."""
    return " ".join(re.sub(r"^\s*[•-]\s+", "", line).split())


def load_case(spec_path: Path) -> Case:
    """Read a sidecar and build its Document (seeds are read from seeds/ by line labels)."""
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    source = ROOT / spec["source"] if "source" in spec else FIXTURES / spec["file"]
    content = source.read_bytes()
    doc = Document("fixture", None, spec["reference"], content, spec["content_type"])
    name = spec_path.name.removesuffix(".expected.yaml")
    if "source" not in spec:
        article, boiler = spec.get("article", []), spec.get("boilerplate", [])
        return Case(name, spec, doc, article, boiler, whole_lines=False)
    lines = content.decode("utf-8").splitlines()
    pick = [_seed_line(lines[n - 1]) for n in _line_numbers(spec["article_lines"])]
    drop = [_seed_line(lines[n - 1]) for n in _line_numbers(spec["boilerplate_lines"])]
    return Case(name, spec, doc, pick, drop, whole_lines=True)


CASES = [load_case(p) for p in sorted(FIXTURES.glob("*.expected.yaml"))]
TEXT_CASES = [c for c in CASES if "error" not in c.spec]


def units(result: Extracted) -> list[str]:
    """What extraction kept: the title and each paragraph."""
    return ([result.title] if result.title else []) + result.text.split("\n\n")


def survives(label: str, kept: list[str], whole_line: bool) -> bool:
    """Whether a labelled string is in the kept text (short seed lines must match a whole unit)."""
    if whole_line and len(label.split()) < 4:
        return label in kept
    return any(label in unit for unit in kept)


def score(case: Case, result: Extracted) -> dict[str, float]:
    """Precision (kept units that are article) and recall (article strings kept) of a result."""
    kept = units(result)
    found = [survives(a, kept, case.whole_lines) for a in case.article]
    article = case.article + [case.spec["title"]] if case.spec.get("title") else case.article
    relevant = [any(a in u or u in a for a in article) for u in kept]
    return {
        "precision": round(sum(relevant) / len(relevant), 4) if relevant else 0.0,
        "recall": round(sum(found) / len(found), 4) if found else 1.0,
    }


def date_correct(case: Case, result: Extracted) -> bool:
    """Whether the found date and its method are the ones the sidecar expects."""
    want = case.spec["date"]
    if result.date_method != case.spec["date_method"]:
        return False
    if want is None or result.published is None:
        return want is None and result.published is None
    if isinstance(want, datetime):
        return result.published == want
    return result.published.astimezone(UTC).date() == want


def corpus_hash() -> str:
    """sha256 over every fixture file (name and bytes) and the seeds the sidecars refer to."""
    digest = hashlib.sha256()
    paths = sorted(FIXTURES.iterdir()) + sorted(ROOT.joinpath("seeds").glob("00[0-3]_*.txt"))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def test_seed_labels_cover_every_line_once():
    """Each non-blank seed line is labelled article or boilerplate, and never both."""
    for case in (c for c in CASES if "source" in c.spec):
        lines = (ROOT / case.spec["source"]).read_text(encoding="utf-8").splitlines()
        labelled = _line_numbers(case.spec["article_lines"] + case.spec["boilerplate_lines"])
        wanted = [n for n, line in enumerate(lines, 1) if line.strip()]
        assert sorted(labelled) == wanted, case.name


@pytest.mark.parametrize("case", TEXT_CASES, ids=lambda c: c.name)
def test_fixture_text_title_date_language(case: Case):
    """No boilerplate survives, every article string does; title, date, language as stated."""
    result = extract(case.doc)
    kept = units(result)
    assert [b for b in case.boilerplate if survives(b, kept, case.whole_lines)] == []
    assert [a for a in case.article if not survives(a, kept, case.whole_lines)] == []
    assert result.title == case.spec["title"]
    assert date_correct(case, result), (result.published, result.date_method, result.date_note)
    assert result.language == case.spec["language"]
    if "author" in case.spec:
        assert result.author == case.spec["author"]
    assert "\n\n\n" not in result.text and result.text == result.text.strip()


@pytest.mark.parametrize("case", [c for c in CASES if "error" in c.spec], ids=lambda c: c.name)
def test_fixture_that_must_fail(case: Case):
    """Pages without an article raise a DigestError that says so in one line."""
    with pytest.raises(DigestError, match=case.spec["error"]) as caught:
        extract(case.doc)
    assert "\n" not in str(caught.value)


def test_quality_floors_and_corpus_hash():
    """Scores never fall below the pinned floors, and the corpus is the one they were pinned on."""
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    assert corpus_hash() == floors["corpus_sha256"], "fixtures changed: re-measure, re-pin floors"
    results = {c.name: extract(c.doc) for c in TEXT_CASES}
    measured = {c.name: score(c, results[c.name]) for c in TEXT_CASES}
    for name, floor in floors["fixtures"].items():
        assert measured[name]["precision"] >= floor["precision"], (name, measured[name])
        assert measured[name]["recall"] >= floor["recall"], (name, measured[name])
    accuracy = sum(date_correct(c, results[c.name]) for c in TEXT_CASES) / len(TEXT_CASES)
    assert accuracy >= floors["date_accuracy"], accuracy
    assert set(floors["fixtures"]) == set(measured), "every fixture needs a pinned floor"


def _doc(content: str | bytes, kind: str = "text/plain", **known) -> Document:
    """A Document fetched at the reference time."""
    return Document("unit", "https://example.org/a", REFERENCE, content, kind, **known)


STORY = (
    "The city council in Hrodna voted on Tuesday to rename two streets in the old town, "
    "the local newspaper reported, after a long debate among the deputies.\n"
)


def test_source_values_win_and_naive_times_are_utc():
    """A title and date the source already knows replace what the page says (method meta)."""
    result = extract(_doc(STORY, title="From the feed", published=datetime(2025, 5, 1, 9)))
    assert result.title == "From the feed"
    assert result.published == datetime(2025, 5, 1, 9, tzinfo=UTC)
    assert (result.date_method, result.date_note) == ("meta", "given by the source")


def test_reference_defaults_to_fetch_time_and_rejects_future_metadata():
    """A page-metadata date after the fetch time is not used; the text is searched instead."""
    page = (
        '<html><head><meta property="article:published_time" content="2026-03-01">'
        f"</head><body><article><p>{STORY * 2}</p></article></body></html>"
    )
    result = extract(_doc(page, "text/html"))
    assert result.published is None or result.published <= REFERENCE
    assert result.date_method != "meta"


def test_unknown_content_type_and_bad_front_matter_raise():
    """Content that cannot be handled fails with a message naming the problem."""
    with pytest.raises(DigestError, match="cannot extract content of type 'application/pdf'"):
        extract(_doc(b"%PDF-1.7", "application/pdf"))
    with pytest.raises(DigestError, match="invalid YAML front matter"):
        extract(_doc("---\ntitle: [unclosed\n---\n" + STORY, "text/markdown"))


def test_decoding_order_bom_declared_utf8_cp1251():
    """BOM first, then a declared charset, then UTF-8, then cp1251; bad bytes never crash."""
    word = "Мінск"
    assert decode(b"\xef\xbb\xbf" + word.encode()) == word
    assert decode(word.encode("utf-16")) == word
    assert decode("Минск".encode("koi8-r"), "koi8-r") == "Минск"
    assert decode(word.encode("utf-8"), "no-such-charset") == word
    assert decode(word.encode("cp1251")) == word
    assert decode(word.encode("utf-8"), "iso-8859-1") == word  # mislabelled UTF-8
    text = "Пограничники сообщили об очередях на выезд из страны в субботу"
    assert decode(text.encode("cp1251"), "iso-8859-1") == text  # mislabelled cp1251
    with pytest.raises(DigestError, match="binary content"):
        decode(bytes(range(256)))  # NUL bytes: not text in any charset


def test_charset_declared_in_html_meta():
    """A page's <meta charset> is honoured when the bytes carry no BOM."""
    body = "<p>" + "Пограничники сообщили об очередях на выезд из страны в субботу. " * 3 + "</p>"
    page = (
        f'<html><head><meta charset="koi8-r"></head><body><article>{body}</article></body></html>'
    )
    result = extract(_doc(page.encode("koi8-r"), "text/html"))
    assert result.text.startswith("Пограничники") and result.language == "ru"


def test_language_is_none_for_very_short_text():
    """Too few letters to tell a language: None rather than a guess."""
    assert extract(_doc("Rain in Minsk today.", "text/markdown")).language is None
    assert extract(_doc(STORY)).language == "en"


def test_published_is_a_date_not_in_the_future_for_every_fixture():
    """Every found date is timezone-aware and not after the reference."""
    for case in TEXT_CASES:
        result = extract(case.doc)
        assert result.published is None or (
            result.published.tzinfo and result.published <= case.spec["reference"]
        )
        assert isinstance(case.spec["reference"], datetime | date)
