"""Loads tests/fixtures/desk/week.json into a store: the labelled week the desk tests work on."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from digest.models import Item
from digest.settings.schema import Settings
from digest.store import Store
from digest.weeks import parse_week

FIXTURE = Path(__file__).parent / "fixtures" / "desk" / "week.json"
WEEK = parse_week(json.loads(FIXTURE.read_text(encoding="utf-8"))["week"])


def load_week(settings: Settings) -> Store:
    """A store for the settings holding the fixture's items (ids 1..n), labelled as given."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    store = Store(settings.database_url)
    store.add_items([_item(n, entry) for n, entry in enumerate(data["items"], start=1)])
    labels = [
        (item.id, entry["section_label"], entry["section_score"], entry.get("on_topic", True))
        for item, entry in zip(store.all_items(), data["items"], strict=True)
    ]
    store.set_labels(labels)
    return store


def _item(n: int, entry: dict) -> Item:
    published = datetime.fromisoformat(entry["published"]) if entry["published"] else None
    fetched = datetime.fromisoformat(entry.get("fetched_at") or entry["published"])
    url = f"https://news.example.org/2025/01/story-{n}"
    return Item(
        source_id="seeds",
        url=url,
        canonical_url=url,
        title=entry["title"],
        text=entry["text"],
        published=published,
        date_method="meta" if published else "none",
        content_hash=hashlib.sha256(entry["text"].encode()).hexdigest(),
        fetched_at=fetched,
        language="en",
    )


DRILL = (
    "Belarusian and Russian units began joint drills near Hrodna on Tuesday, the defence "
    "ministry in Minsk said, with 1,200 troops, 80 armoured vehicles and Iskander launchers "
    "taking part in the exercise called Union Shield near the Polish border."
)
REPORTS = [  # three reports of one event (items 1-3), and one of another (4)
    ("drills-a", "Drills begin near Hrodna", DRILL, "military", 0.91),
    (
        "drills-b",
        "Union Shield drills near Hrodna",
        DRILL.replace("began", "started"),
        "military",
        0.88,
    ),  # fmt: skip
    (
        "drills-c",
        "Iskander launchers at Hrodna drills",
        "Reports said 1,200 troops and 80 "
        "armoured vehicles joined the Union Shield drills near Hrodna, where Iskander launchers "
        "were seen, according to the ministry in Minsk on Tuesday.",
        "military",
        0.86,
    ),  # fmt: skip
    (
        "vote",
        "Parliament sets a date",
        "The House of Representatives in Minsk said on Wednesday "
        "that it would hold a vote on the new budget law, according to its speaker, who named "
        "February as the month of the final reading.",
        "political",
        0.9,
    ),  # fmt: skip
]


def load_event_story(settings: Settings) -> Store:
    """A store holding REPORTS of 2025-W03: a three-report story (items 1-3) and item 4."""
    day = datetime(2025, 1, 14, 10, 0, tzinfo=UTC)
    store = Store(settings.database_url)
    store.add_items(
        Item(
            source_id="seeds",
            url=f"https://news.example.org/{slug}",
            canonical_url=f"https://news.example.org/{slug}",
            title=title,
            text=body,
            published=day,
            date_method="meta",
            content_hash=hashlib.sha256(body.encode()).hexdigest(),
            fetched_at=day,
            language="en",
            outlet=f"Outlet {n}",
        )
        for n, (slug, title, body, _, _) in enumerate(REPORTS, start=1)
    )
    store.set_labels([(n, r[3], r[4], True) for n, r in enumerate(REPORTS, start=1)])
    return store
