"""The delivery log on SQLite and PostgreSQL: claim before sending, sent once, resumable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from digest.store import Store
from digest.store import deliveries as log

WEEK = "2025-W03"


@pytest.fixture
def store(db_url):
    """A freshly migrated store on each database engine."""
    s = Store(db_url)
    yield s
    s.close()


def test_first_claim_writes_a_sending_row_with_one_attempt(store):
    assert log.claim(store, WEEK, "a@example.org", "pdf", "<1@example.org>")
    row = log.get(store, WEEK, "a@example.org")
    assert (row.status, row.format, row.attempts, row.message_id) == (
        "sending",
        "pdf",
        1,
        "<1@example.org>",
    )
    assert abs(row.updated_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert row.updated_at.tzinfo is not None


def test_a_sent_copy_is_never_claimed_again_unless_forced(store):
    log.claim(store, WEEK, "a@example.org", "html", "<1@x.org>")
    log.mark_sent(store, WEEK, "a@example.org")
    assert not log.claim(store, WEEK, "a@example.org", "html", "<2@x.org>")
    assert log.get(store, WEEK, "a@example.org").message_id == "<1@x.org>"
    assert log.claim(store, WEEK, "a@example.org", "html", "<3@x.org>", force=True)
    row = log.get(store, WEEK, "a@example.org")
    assert (row.status, row.attempts, row.message_id) == ("sending", 2, "<3@x.org>")


def test_a_row_left_sending_by_a_crash_is_claimed_again(store):
    log.claim(store, WEEK, "a@example.org", "text", "<1@x.org>")
    assert log.claim(store, WEEK, "a@example.org", "text", "<2@x.org>")
    assert log.get(store, WEEK, "a@example.org").attempts == 2


def test_failed_copy_keeps_its_reason_and_is_retried_later(store):
    log.claim(store, WEEK, "a@example.org", "html", "<1@x.org>")
    log.mark_failed(store, WEEK, "a@example.org", "a@example.org: refused by the server: 550")
    row = log.get(store, WEEK, "a@example.org")
    assert row.status == "failed" and "550" in row.error
    assert log.claim(store, WEEK, "a@example.org", "html", "<2@x.org>")
    assert log.get(store, WEEK, "a@example.org").error is None


def test_failure_of_a_recipient_never_claimed_creates_its_row(store):
    bad = "x" * 400
    log.mark_failed(store, WEEK, bad, "list.csv:3: bad address")
    row = log.for_week(store, WEEK)[0]
    assert row.recipient == "x" * 320 and row.attempts == 0 and row.status == "failed"
    log.mark_failed(store, WEEK, bad, "list.csv:3: bad address, again")
    assert len(log.for_week(store, WEEK)) == 1
    assert log.get(store, WEEK, bad).error.endswith("again")


def test_weeks_are_separate_and_counts_add_up(store):
    for n, address in enumerate(["a@x.org", "b@x.org", "c@x.org"]):
        log.claim(store, WEEK, address, "html", f"<{n}@x.org>")
    log.mark_sent(store, WEEK, "a@x.org")
    log.mark_failed(store, WEEK, "b@x.org", "timeout")
    log.claim(store, "2025-W04", "a@x.org", "html", "<9@x.org>")
    assert log.counts(store, WEEK) == {"sending": 1, "sent": 1, "failed": 1}
    assert [d.recipient for d in log.for_week(store, WEEK)] == ["a@x.org", "b@x.org", "c@x.org"]
    assert log.counts(store, "2025-W04") == {"sending": 1, "sent": 0, "failed": 0}
    assert log.get(store, "2025-W05", "a@x.org") is None
