"""The store on SQLite and on real PostgreSQL: migrations, unique items, weeks, labels."""

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from digest.models import Item
from digest.store import Store
from digest.store.db import table_names
from digest.weeks import parse_week

T0 = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)


def item(n: int, **kw) -> Item:
    base = dict(
        source_id="src",
        url=f"https://example.org/a/{n}",
        canonical_url=f"https://example.org/a/{n}",
        title=f"Title {n}",
        text=f"Body of article {n}.",
        published=T0,
        date_method="meta",
        content_hash=f"{n:064d}",
        fetched_at=T0,
    )
    return Item(**(base | kw))


def test_migrations_create_the_tables_and_rerun_cleanly(db_url):
    store = Store(db_url)
    Store(db_url).close()  # a second open migrates nothing and fails nothing
    assert {"items", "http_cache", "source_runs", "alembic_version"} <= set(
        table_names(store.engine)
    )


def test_adding_twice_stores_once(db_url):
    store = Store(db_url)
    assert store.add_items([item(1), item(2)]) == (2, 0)
    assert store.add_items([item(1), item(2), item(3)]) == (1, 2)
    assert len(store.all_items()) == 3


def test_items_without_url_are_unique_by_content(db_url):
    store = Store(db_url)
    a = item(1, url=None, canonical_url=None)
    assert store.add_items([a, replace(a, title="other title")]) == (1, 1)
    assert store.add_items([replace(a, source_id="other")]) == (1, 0)


def test_timestamps_come_back_as_the_same_utc_moment(db_url):
    store = Store(db_url)
    minsk = datetime(2025, 1, 19, 23, 30, tzinfo=ZoneInfo("Europe/Minsk"))
    store.add_items([item(1, published=minsk)])
    (got,) = store.all_items()
    assert got.published == minsk and got.published.tzinfo is not None


def test_week_query_respects_the_local_window(db_url):
    store = Store(db_url)
    zone = ZoneInfo("Europe/Minsk")
    inside = datetime(2025, 1, 19, 23, 59, tzinfo=zone)
    outside = datetime(2025, 1, 20, 0, 1, tzinfo=zone)
    before = datetime(2025, 1, 12, 23, 59, tzinfo=zone)
    store.add_items(
        [item(1, published=inside), item(2, published=outside), item(3, published=before)]
    )
    store.add_items([item(4, origin="past_issue", issue_week="2025-W03", published=None)])
    week = parse_week("2025-W03")
    got = store.items_for_week(week.label, *week.window(zone))
    assert sorted(i.title for i in got) == ["Title 1", "Title 4"]


def test_labels_never_touch_the_editors_override(db_url):
    store = Store(db_url)
    store.add_items([item(1, section_override="propaganda")])
    (stored,) = store.all_items()
    store.set_labels([(stored.id, "military", 0.8, True)])
    (again,) = store.all_items()
    assert (again.section_label, again.section_score) == ("military", 0.8)
    assert again.section_override == "propaganda" and again.section == "propaganda"


def test_validators_and_runs(db_url):
    store = Store(db_url)
    assert store.get_validators("https://x.test/feed") is None
    store.put_validators("https://x.test/feed", '"abc"', None)
    store.put_validators("https://x.test/feed", '"def"', "Wed, 15 Jan 2025 09:00:00 GMT")
    assert store.get_validators("https://x.test/feed") == ('"def"', "Wed, 15 Jan 2025 09:00:00 GMT")
    store.record_run("src", T0, "ok", new=2)
    store.record_run("src", T0, "failed", error="boom")
    assert store.last_runs()["src"]["status"] == "failed"
    store.add_items([item(1), item(2, source_id="b")])
    assert store.counts_by_source() == {"src": 1, "b": 1}


def test_a_store_at_the_newest_schema_opens_without_alembic(tmp_path):
    """Opening a migrated database only asks its revision: Alembic is not even imported."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path}/m.db"
    code = (
        "import sys\nfrom digest.store import Store\nStore(sys.argv[1]).close()\n"
        "print('alembic' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True)
    again = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True)
    assert (first.stdout.strip(), again.stdout.strip()) == ("True", "False"), first.stderr


def test_unlabelled_items_are_found_by_index_and_language(tmp_path):
    """Classifying on a build asks for labelable unlabelled items through a partial index."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from digest.models import Item

    store = Store(f"sqlite:///{tmp_path}/u.db")
    now = datetime(2025, 1, 14, tzinfo=UTC)
    made = [
        Item(
            "s",
            f"https://x.example/{n}",
            f"https://x.example/{n}",
            "t",
            f"text {n}",
            now,
            "meta",
            f"{n:064x}",
            now,
            language=lang,
        )  # fmt: skip
        for n, lang in enumerate(("en", "ru", None, "be", "en"))
    ]
    store.add_items(made)
    store.set_labels([(5, "military", 0.9, True)])
    assert [i.id for i in store.unlabelled_items(("en",))] == [1, 3]
    assert [i.id for i in store.unlabelled_items()] == [1, 2, 3, 4]
    with store.engine.connect() as conn:
        plan = conn.execute(
            text("EXPLAIN QUERY PLAN SELECT * FROM items WHERE section_label IS NULL ORDER BY id")
        ).all()
    assert any("ix_items_unlabelled" in str(row) for row in plan), plan


def test_vectors_round_trip_by_content_hash_and_model(db_url):
    """Vectors come back (float16 precision) by hash and model; a re-put keeps the first."""
    import numpy as np

    store = Store(db_url)
    assert "embeddings" in set(table_names(store.engine))
    store.add_items([item(1), item(2)])
    one, two = store.all_items()
    vec = np.linspace(-1, 1, 384, dtype=np.float32)
    assert store.put_vectors("m", {one.content_hash: vec}) == 1
    assert store.put_vectors("m", {one.content_hash: -vec, two.content_hash: vec}) == 1
    got = store.item_vectors("m", [one, two])
    assert set(got) == {one.id, two.id}
    assert np.allclose(got[one.id], vec, atol=1e-3) and got[one.id].dtype == np.float32
    assert store.get_vectors("other", [one.content_hash]) == {}


def test_items_published_between_leaves_out_past_issues(db_url):
    """The window query used to find same-event candidates: articles only, bounds included."""
    store = Store(db_url)
    late = datetime(2025, 1, 18, 9, tzinfo=UTC)
    store.add_items([item(1), item(2, published=late), item(3, origin="past_issue")])
    found = store.items_published_between(T0, late)
    assert sorted(i.url for i in found) == ["https://example.org/a/1", "https://example.org/a/2"]
    assert store.items_published_between(late.replace(day=19), late.replace(day=20)) == []
