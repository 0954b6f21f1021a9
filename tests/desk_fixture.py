"""Loads tests/fixtures/desk/week.json into a store: the labelled week the desk tests work on."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
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
