"""Stories reported only in another language: in the draft with their original lead and waiting
for a paragraph in the digest's language; in the issue once the editor writes one, or once a
configured translation service gives one that keeps the original's facts."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from werkzeug import Request, Response

from digest import pipeline as run
from digest.cli.main import main
from digest.compose.translate import unfaithful
from digest.editorial import operations as editing
from digest.models import Item
from digest.store import Store
from digest.weeks import parse_week
from tests.conftest import make_settings, write_config

WEEK = parse_week("2025-W03")
RUSSIAN = (
    "В Гродно 15 января суд приговорил журналиста Игоря Банцера к 4 годам колонии. "
    "Правозащитники признали его политзаключённым."
)
FAITHFUL = (
    "In Hrodna on 15 January a court sentenced journalist Ihar Bantser to 4 years in a penal"
    " colony. Human rights defenders recognised him as a political prisoner."
)
CHANGED = FAITHFUL.replace("4 years", "5 years")


def item(text: str, language: str, n: int) -> Item:
    """A stored report of the week, written for this test."""
    return Item(
        source_id="seeds",
        url=f"https://news.example.org/{language}/{n}",
        canonical_url=f"https://news.example.org/{language}/{n}",
        title=text.split(".")[0],
        text=text,
        published=datetime(2025, 1, 15, 12, tzinfo=UTC),
        date_method="meta",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        fetched_at=datetime(2025, 1, 16, tzinfo=UTC),
        language=language,
    )


def week_store(settings) -> Store:
    """A store with one Russian report labelled human_rights, and one English report."""
    store = Store(settings.database_url)
    english = (
        "The defence ministry in Minsk announced a snap combat readiness check on January 14. "
        "Units of the 120th brigade moved to training grounds near Barysau, it said."
    )
    store.add_items([item(RUSSIAN, "ru", 1), item(english, "en", 2)])
    ids = {i.language: i.id for i in store.all_items()}
    store.set_labels([(ids["ru"], "human_rights", 0.9, True), (ids["en"], "military", 0.9, True)])
    return store


def test_a_story_only_in_russian_waits_in_the_draft_with_its_original_lead(tmp_path):
    settings = make_settings(tmp_path)
    store = week_store(settings)
    issue = run.issue_for_week(settings, store, WEEK)
    (waiting,) = issue.waiting
    assert waiting.waiting and waiting.language == "ru" and waiting.section == "human_rights"
    assert "Банцера" in waiting.paragraph and "needs a paragraph in en" in waiting.paragraph_note
    in_sections = [s for sec in issue.sections for s in sec.stories]
    assert [s.items[0].language for s in in_sections] == ["en"]


def test_the_built_issue_leaves_it_out_and_review_json_shows_it(tmp_path, capsys):
    config = write_config(tmp_path)
    settings = make_settings(tmp_path)
    week_store(settings)
    assert main(["build", "--week", WEEK.label, "-f", "json", "-c", str(config)]) == 0
    built = next((tmp_path / "out" / WEEK.label).glob("*.json"))
    data = json.loads(built.read_text(encoding="utf-8"))
    assert data["issue"]["waiting"] == [] and "Банцера" not in built.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["review", "--week", WEEK.label, "--json", "-c", str(config)]) == 0
    draft = json.loads(capsys.readouterr().out)
    (story,) = draft["issue"]["waiting"]
    assert story["waiting"] is True and story["language"] == "ru"
    (report,) = story["items"]
    assert report["url"] == "https://news.example.org/ru/1" and report["language"] == "ru"
    assert report["published"].startswith("2025-01-15")


def test_the_editors_paragraph_puts_it_in_its_section(tmp_path):
    settings = make_settings(tmp_path)
    store = week_store(settings)
    key = run.issue_for_week(settings, store, WEEK).waiting[0].key
    editing.edit_paragraph(settings, store, WEEK, key, FAITHFUL, "anna")
    issue = run.issue_for_week(settings, store, WEEK)
    assert issue.waiting == ()
    rights = next(s for s in issue.sections if s.id == "human_rights")
    assert [s.paragraph for s in rights.stories] == [FAITHFUL]


def libretranslate(server, answer: str, seen: list[dict]) -> str:
    """A loopback server speaking LibreTranslate's /translate."""

    def handler(request: Request) -> Response:
        seen.append(json.loads(request.get_data()))
        return Response(json.dumps({"translatedText": answer}), content_type="application/json")

    server.expect_request("/translate", method="POST").respond_with_handler(handler)
    return server.url_for("/").rstrip("/")


def test_a_faithful_machine_translation_enters_the_issue_marked(tmp_path, httpserver_ipv4):
    seen: list[dict] = []
    url = libretranslate(httpserver_ipv4, FAITHFUL, seen)
    settings = make_settings(
        tmp_path, f"translate: {{service: libretranslate, base_url: '{url}'}}\n"
    )
    store = week_store(settings)
    issue = run.issue_for_week(settings, store, WEEK)
    assert issue.waiting == ()
    rights = next(s for s in issue.sections if s.id == "human_rights")
    (story,) = rights.stories
    assert story.translated and story.paragraph == FAITHFUL
    assert "machine-translated from ru" in story.paragraph_note
    assert seen[0]["source"] == "ru" and seen[0]["target"] == "en" and "Банцера" in seen[0]["q"]


def test_a_translation_that_changes_a_number_is_not_used(tmp_path, httpserver_ipv4):
    url = libretranslate(httpserver_ipv4, CHANGED, [])
    settings = make_settings(
        tmp_path, f"translate: {{service: libretranslate, base_url: '{url}'}}\n"
    )
    store = week_store(settings)
    issue = run.issue_for_week(settings, store, WEEK)
    (waiting,) = issue.waiting
    assert "rejected: number 4 lost, number 5 added" in waiting.paragraph_note


def test_the_chat_endpoint_can_translate_too(tmp_path, httpserver_ipv4):
    reply = {"choices": [{"message": {"role": "assistant", "content": FAITHFUL}}]}
    httpserver_ipv4.expect_request("/v1/chat/completions", method="POST").respond_with_json(reply)
    base = httpserver_ipv4.url_for("/v1")
    extra = f"llm: {{base_url: '{base}', model: m}}\ntranslate: {{service: chat}}\n"
    settings = make_settings(tmp_path, extra)
    issue = run.issue_for_week(settings, week_store(settings), WEEK)
    assert issue.waiting == () and any(s.translated for sec in issue.sections for s in sec.stories)


def test_a_dead_translation_service_leaves_the_story_waiting(tmp_path):
    extra = "translate: {service: libretranslate, base_url: 'http://127.0.0.1:9', timeout: 2}\n"
    settings = make_settings(tmp_path, extra)
    issue = run.issue_for_week(settings, week_store(settings), WEEK)
    (waiting,) = issue.waiting
    assert "translation failed" in waiting.paragraph_note


@pytest.mark.parametrize(
    ("translated", "problem"),
    [
        (FAITHFUL, ""),
        (FAITHFUL.replace("15 January", "16 January"), "date January 16"),
        (FAITHFUL.replace("Ihar Bantser", "Ihar Losik"), "name Losik"),
        (FAITHFUL + " We condemn it.", "first person outside quotes"),
    ],
)
def test_what_a_translation_must_keep(translated, problem):
    assert problem in unfaithful(RUSSIAN, translated)
    if not problem:
        assert unfaithful(RUSSIAN, translated) == ""


def test_the_desk_shows_it_waiting_with_a_form_for_its_paragraph(tmp_path):
    from starlette.testclient import TestClient

    from digest.desk.app import create_app

    settings = make_settings(tmp_path)
    store = week_store(settings)
    key = run.issue_for_week(settings, store, WEEK).waiting[0].key
    env = {"DIGEST_DESK_SECRET": "w" * 40, "DIGEST_DESK_PASSWORD": "a long desk password"}
    with TestClient(
        create_app(settings, environ=env, threshold=0.6), base_url="http://127.0.0.1"
    ) as client:
        page = client.get("/login").text
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        form = {"csrf": token, "name": "editor", "password": env["DIGEST_DESK_PASSWORD"]}
        client.post("/login", data=form, follow_redirects=False)
        draft = client.get(f"/week/{WEEK.label}").text
    assert "Waiting for a paragraph in en" in draft and "Банцера" in draft
    assert f'action="/week/{WEEK.label}/story/{key}/edit"' in draft
