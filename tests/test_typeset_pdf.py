"""Typesetting one page: the asset fetcher serves the template folders only, the bytes are fixed
by the page and the day, and the job survives its trip to the worker as a message."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from digest.render.common import TEMPLATES_DIR
from digest.typeset.pdf import PdfJob, asset_fetcher, lay_out, load_weasyprint, pdf_bytes

PAGE = '<html lang="en"><head><title>T</title></head><body><h1>Week</h1><p>Text.</p></body></html>'


def test_fetcher_loads_own_assets_and_refuses_everything_else(httpserver, tmp_path):
    httpserver.expect_request("/pixel.png").respond_with_data(b"x", content_type="image/png")
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    page = (
        '<html><head><link rel="stylesheet" href="issue.pdf.css">'
        f'<link rel="stylesheet" href="{secret.as_uri()}"></head><body><p>Hi</p>'
        '<img src="file:///etc/passwd">'
        f'<img src="{httpserver.url_for("/pixel.png")}">'
        '<img src="data:image/png;base64,iVBORw0KGgo=">'
        '<img src="../pyproject.toml"></body></html>'
    )
    fetcher = asset_fetcher((TEMPLATES_DIR,))
    data = pdf_bytes(page, date(2025, 1, 20), load_weasyprint(), fetcher)
    assert data.startswith(b"%PDF")
    assert httpserver.log == []
    refused = fetcher.refused
    assert "file:///etc/passwd" in refused and secret.as_uri() in refused
    assert httpserver.url_for("/pixel.png") in refused
    assert any(u.startswith("data:") for u in refused)
    assert any(u.endswith("/pyproject.toml") for u in refused)
    assert not any(u.endswith("issue.pdf.css") for u in refused)


def test_a_job_comes_back_from_its_message_unchanged(tmp_path):
    job = PdfJob(PAGE, date(2025, 1, 20), (tmp_path, TEMPLATES_DIR), (tmp_path / "logo.png",))
    assert PdfJob.from_message(json.loads(json.dumps(job.as_message()))) == job


def test_the_same_job_gives_the_same_bytes_and_the_clock_is_given_back(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "12345")
    weasyprint = load_weasyprint()
    job = PdfJob(PAGE, date(2025, 1, 20), (TEMPLATES_DIR,))
    first, again = lay_out(job, weasyprint), lay_out(job, weasyprint)
    assert first.startswith(b"%PDF") and first == again
    assert os.environ["SOURCE_DATE_EPOCH"] == "12345"


def test_a_logo_outside_the_folders_loads_only_when_named(tmp_path):
    logo = Path(tmp_path / "logo.svg")
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    other = tmp_path / "other.svg"
    other.write_text(logo.read_text())
    fetcher = asset_fetcher((TEMPLATES_DIR,), (logo,))
    page = f'<html><body><img src="{logo.as_uri()}"><img src="{other.as_uri()}"></body></html>'
    pdf_bytes(page, date(2025, 1, 20), load_weasyprint(), fetcher)
    assert fetcher.refused == [other.as_uri()]  # type: ignore[attr-defined]
