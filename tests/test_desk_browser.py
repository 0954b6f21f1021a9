"""The desk end to end in headless Chromium: log in, move, edit, publish, read the built PDF."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from pypdf import PdfReader

from digest.desk.app import create_app
from digest.store import editing as db
from tests.desk_fixture import WEEK, load_week

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path("/tmp/desk-draft.png")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a browser password"
NEW_PARAGRAPH = (
    "On January 16, a decree fixed the presidential vote for January 26, the desk wrote."
)


def _browser_ready() -> None:
    """Skip (or fail under CI) when Playwright or Debian's chromium is missing."""
    missing = []
    if shutil.which("chromium") is None and not CHROMIUM.exists():
        missing.append("Debian's chromium (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing and os.environ.get("CI"):
        pytest.fail(f"browser tests need {' and '.join(missing)}")
    if missing:
        pytest.skip(f"browser tests need {' and '.join(missing)}")


@pytest.fixture
def served(settings) -> Iterator[tuple[str, object]]:
    """The desk under uvicorn in a thread on a socket of 127.0.0.1 bound before it starts."""
    _browser_ready()
    store = load_week(settings)
    env = {"DIGEST_DESK_SECRET": "b" * 40, "DIGEST_DESK_PASSWORD": PASSWORD}
    app = create_app(settings, environ=env, threshold=0.6)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)  # connections wait in the backlog until the server accepts: no polling
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", store
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def test_log_in_move_edit_publish_and_read_the_pdf(served, settings):
    from playwright.sync_api import expect, sync_playwright

    base, store = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{base}/week/{WEEK.label}")
        page.fill("input[name=name]", "editor")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]:has-text('Log in')")
        expect(page.locator("h1")).to_contain_text("Belarus Review")
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        story = page.locator("#story-i2")
        story.locator("select[name=section]").select_option("political")
        story.locator("button:has-text('Move')").click()
        expect(page.locator(".notice.ok")).to_contain_text("Story i2 moved to Political")
        expect(page.locator("#sec-political #story-i2")).to_be_visible()

        story = page.locator("#story-i3")
        story.locator("summary:has-text('Edit paragraph')").click()
        story.locator("textarea[name=paragraph]").fill(NEW_PARAGRAPH)
        story.locator("button:has-text('Save paragraph')").click()
        expect(page.locator("#story-i3 .paragraph")).to_have_text(NEW_PARAGRAPH)

        page.click("#publish")
        expect(page.locator("#state")).to_have_text("published")
        expect(page.locator("#story-i3 textarea")).to_have_count(0)  # no controls once final
        browser.close()

    assert db.week_state(store, WEEK.label).status == "published"
    (pdf,) = (settings.out_dir / WEEK.label).glob("*.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert NEW_PARAGRAPH in text
    assert [r.action for r in reversed(db.edit_log(store))] == ["move", "edit", "publish"]
    assert SCREENSHOT.stat().st_size > 10_000
