"""The PDF worker is a real child process: it gives the bytes the parent would have made, sends
its warnings back, says why when WeasyPrint cannot load, reports its own death, and ends when its
parent closes it or is killed."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date

import pytest

from digest.errors import DigestError
from digest.render.common import TEMPLATES_DIR
from digest.typeset.pdf import PdfJob, lay_out, load_weasyprint
from digest.typeset.worker import PdfWorker, pdf_worker
from tests.conftest import process_alive

PAGE = (
    '<html lang="en"><head><title>Week 3</title><link rel="stylesheet" href="issue.pdf.css">'
    "</head><body><h1>Belarus Review</h1><p>Minsk, Hrodna and Brest.</p></body></html>"
)
JOB = PdfJob(PAGE, date(2025, 1, 20), (TEMPLATES_DIR,))


def _gone_within(pid: int, seconds: float) -> bool:
    """Whether the process has ended before the deadline (checked every 50 ms)."""
    ends = time.monotonic() + seconds
    while process_alive(pid) and time.monotonic() < ends:
        time.sleep(0.05)
    return not process_alive(pid)


def test_the_worker_gives_the_bytes_this_process_would_make():
    with pdf_worker() as worker:
        assert worker is not None
        first = worker.submit(JOB).result(timeout=120)
        second = worker.submit(JOB).result(timeout=120)  # one worker serves job after job
    assert first.startswith(b"%PDF") and first == second
    assert first == lay_out(JOB, load_weasyprint())


def test_no_worker_is_started_when_no_pdf_is_wanted():
    with pdf_worker(wanted=False) as worker:
        assert worker is None


def test_the_workers_warnings_are_logged_here(caplog, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    page = PAGE.replace("</head>", f'<link rel="stylesheet" href="{secret.as_uri()}"></head>')
    with caplog.at_level(logging.WARNING), pdf_worker() as worker:
        assert worker is not None
        assert worker.submit(PdfJob(page, JOB.day, JOB.roots)).result(timeout=120)
    refused = [r for r in caplog.records if "refused to load" in r.getMessage()]
    assert refused and secret.as_uri() in refused[0].getMessage()
    assert refused[0].name == "digest.typeset.pdf"


def test_a_worker_without_weasyprint_names_pango(tmp_path, monkeypatch):
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "weasyprint.py").write_text("raise OSError('cannot load library pango-1.0-0')\n")
    monkeypatch.setenv("PYTHONPATH", str(shadow))
    with pdf_worker() as worker, pytest.raises(DigestError) as raised:
        assert worker is not None
        worker.submit(JOB).result(timeout=60)
    assert str(raised.value).startswith("PDF output needs Pango (WeasyPrint): ")
    assert "pango-1.0-0" in str(raised.value)


def test_a_worker_that_dies_is_reported_not_waited_for():
    worker = PdfWorker.start()
    try:
        os.kill(worker.pid, signal.SIGKILL)
        with pytest.raises(DigestError, match=r"^the PDF worker stopped \(exit code -9\)$"):
            worker.submit(JOB).result(timeout=60)
    finally:
        worker.close()


def test_closing_ends_the_worker_at_once():
    worker = PdfWorker.start()
    worker.submit(JOB).result(timeout=120)
    started = time.monotonic()
    worker.close()
    assert not process_alive(worker.pid)
    assert time.monotonic() - started < 2  # it exits on the end of its input, nothing to tear down


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_ends_when_its_parent_is_killed(tmp_path):
    parent = textwrap.dedent(
        """
        import sys
        from digest.typeset.worker import PdfWorker
        worker = PdfWorker.start()
        print(worker.pid, flush=True)
        sys.stdin.read()  # until the test kills this process
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", parent], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        child = int(proc.stdout.readline())
        assert process_alive(child)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert _gone_within(child, 10)
    finally:
        if proc.poll() is None:
            proc.kill()
