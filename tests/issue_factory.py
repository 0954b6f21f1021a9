"""Builds Issue records and matching Settings for tests and benches from tests/fixtures/render/."""

from __future__ import annotations

import hashlib
import itertools
import json
import struct
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from digest.models import Credit, Issue, IssueSection, Item, Story
from digest.settings.schema import DigestConfig, SectionConfig, Settings

FIXTURES = Path(__file__).parent / "fixtures" / "render"


def tiny_png() -> bytes:
    """A valid 1x1 red PNG, built here so tests need no binary fixture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def load_fixture(name: str) -> dict[str, Any]:
    """A JSON fixture from tests/fixtures/render/ as data."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def make_story(section: str, data: dict[str, Any]) -> Story:
    """A Story (with one backing Item) from a fixture entry: paragraph, date, title, credits."""
    day = date.fromisoformat(data["date"]) if data.get("date") else None
    credits = tuple(Credit(c["name"], c["url"]) for c in data.get("credits", ()))
    when = datetime.combine(day, time(9, 0), UTC) if day else None
    item = Item(
        source_id=section + "-source",
        url=credits[0].url if credits else None,
        canonical_url=credits[0].url if credits else None,
        title=data.get("title"),
        text=data["paragraph"],
        published=when,
        date_method="meta" if when else "none",
        content_hash=hashlib.sha256(data["paragraph"].encode()).hexdigest(),
        fetched_at=datetime(2025, 1, 19, 12, 0, tzinfo=UTC),
        language="en",
        section_label=section,
        section_score=0.9,
    )
    return Story(section, day, data["paragraph"], (item,), credits, data.get("title"), 0.9, (0,))


def make_issue(per_section: int | None = None, empty: tuple[str, ...] = (), **fields: Any) -> Issue:
    """The fixture issue; `per_section` repeats stories to that count, `empty` drops sections."""
    data = load_fixture("issue.json")
    sections = []
    for number, sec in enumerate(data["sections"], start=1):
        entries = [] if sec["id"] in empty else sec["stories"]
        if per_section is not None and entries:
            entries = list(itertools.islice(itertools.cycle(entries), per_section))
        stories = tuple(make_story(sec["id"], e) for e in entries)
        sections.append(
            IssueSection(sec["id"], sec["heading"], sec["description"], number, stories)
        )
    head = data["issue"]
    issue = Issue(
        title=head["title"],
        digest_title=head["digest_title"],
        publisher=head["publisher"],
        language=head["language"],
        week=head["week"],
        issue_date=date.fromisoformat(head["issue_date"]),
        week_start=date.fromisoformat(head["week_start"]),
        week_end=date.fromisoformat(head["week_end"]),
        week_label=head["week_label"],
        sections=tuple(sections),
        editors_note=head["editors_note"],
        sign_off=head["sign_off"],
    )
    return replace(issue, **fields)


def hostile_issue() -> Issue:
    """The fixture issue with the hostile story placed first in the military section."""
    issue = make_issue()
    story = make_story("military", load_fixture("hostile.json")["story"])
    first = issue.sections[0]
    sections = (replace(first, stories=(story, *first.stories)), *issue.sections[1:])
    return replace(issue, sections=sections, title="<b>Bold</b> Review — January 20, 2025")


def make_settings(base_dir: Path) -> Settings:
    """Settings with the four review sections, writing to `base_dir`/out."""
    data = load_fixture("issue.json")
    sections = tuple(
        SectionConfig(id=s["id"], heading=s["heading"], order=n, description=s["description"])
        for n, s in enumerate(data["sections"], start=1)
    )
    return Settings(
        digest=DigestConfig(title="Belarus Review", publisher="iSANS"),
        sections=sections,
        output_dir=Path("out"),
        base_dir=base_dir,
    )
