"""Reading never writes: composing a week, listing stories, the review and every desk page leave
the store's content exactly as it was, unlabelled items included (labelling is its own stage)."""

from __future__ import annotations

from sqlalchemy import select
from starlette.testclient import TestClient

from digest import pipeline as run
from digest.cli.main import main
from digest.desk.app import create_app
from digest.editorial.draft import load_draft
from digest.store import Store
from digest.store.tables import edits, issue_states, items, story_edits
from digest.weeks import parse_week
from tests.conftest import make_settings, write_config

WEEK = "2025-W03"
CONTENT = (items, edits, story_edits, issue_states)
ENV = {"DIGEST_DESK_SECRET": "r" * 40, "DIGEST_DESK_PASSWORD": "a long desk password"}


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of the content tables, in key order: what a reader must not change."""
    with store.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in CONTENT
        }


def test_stories_review_and_a_composed_week_write_nothing(tmp_path, capsys):
    config = write_config(tmp_path)
    settings = make_settings(tmp_path)
    store = run.open_store(settings)
    run.collect(settings, store)  # stored, not yet labelled
    assert store.unlabelled_items()
    before = snapshot(store)
    run.issue_for_week(settings, store, parse_week(WEEK))
    load_draft(settings, store, parse_week(WEEK), threshold=0.6)
    assert main(["stories", "--week", WEEK, "-c", str(config)]) == 0
    assert main(["review", "--week", WEEK, "-c", str(config)]) == 0
    capsys.readouterr()
    assert snapshot(store) == before


def test_desk_pages_and_previews_write_nothing(tmp_path):
    settings = make_settings(tmp_path)
    store = run.open_store(settings)
    run.ingest(settings, store)
    before = snapshot(store)
    with TestClient(
        create_app(settings, environ=ENV, threshold=0.6), base_url="http://127.0.0.1"
    ) as client:
        page = client.get("/login").text
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        form = {"csrf": token, "name": "editor", "password": ENV["DIGEST_DESK_PASSWORD"]}
        assert client.post("/login", data=form, follow_redirects=False).status_code == 303
        for path in ("/", f"/week/{WEEK}", f"/week/{WEEK}/preview.html"):
            assert client.get(path).status_code == 200, path
    assert snapshot(store) == before
