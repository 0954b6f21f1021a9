"""The delivery log on SQLite and PostgreSQL: claim before sending, sent once, resumable; one
sender per week (the send lease), tested with racing processes and two real `digest send`."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from digest.errors import DigestError
from digest.settings.loading import load_settings
from digest.store import Store
from digest.store import deliveries as log
from digest.store.tables import send_leases
from tests.conftest import ROOT, write_config
from tests.desk_fixture import load_week
from tests.test_mail import Sink, start_server

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


# -- the send lease: one sender per week -----------------------------------------------------


def _dead_pid() -> int:
    """The id of a process that has ended and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=30)
    return child.pid


def test_a_second_sender_of_the_week_is_refused_in_one_line_until_the_first_ends(store):
    first = log.take_lease(store, WEEK)
    with pytest.raises(DigestError) as refused:
        log.take_lease(store, WEEK)
    message = str(refused.value)
    assert "\n" not in message and message.startswith(f"{WEEK}: another sender is mailing")
    assert f"process {os.getpid()} on {socket.gethostname()}" in message
    assert log.take_lease(store, "2025-W04").week == "2025-W04"  # other weeks are free
    log.release_lease(store, first)
    assert log.current_lease(store, WEEK) is None
    log.release_lease(store, log.take_lease(store, WEEK))


def test_a_lease_left_by_a_dead_process_or_run_out_is_taken_over(store):
    held = log.take_lease(store, WEEK)
    with store.engine.begin() as conn:  # as if the holder had been killed with -9
        conn.execute(update(send_leases).values(pid=_dead_pid()))
    taken = log.take_lease(store, WEEK)
    assert taken.owner != held.owner and log.current_lease(store, WEEK).owner == taken.owner
    with pytest.raises(DigestError, match="lost its send lease to another sender"):
        log.renew_lease(store, held)
    log.release_lease(store, held)  # the old holder cannot release the new one's lease
    assert log.current_lease(store, WEEK).owner == taken.owner
    past = datetime.now(UTC) - timedelta(seconds=1)
    with store.engine.begin() as conn:  # a live holder elsewhere that went silent too long
        conn.execute(update(send_leases).values(host="elsewhere", expires_at=past))
    assert log.take_lease(store, WEEK).owner not in (held.owner, taken.owner)


def test_a_live_holder_on_another_host_keeps_its_lease_and_renewal_extends_it(store):
    held = log.take_lease(store, WEEK, seconds=60)
    with store.engine.begin() as conn:
        conn.execute(update(send_leases).values(host="elsewhere", pid=_dead_pid()))
    with pytest.raises(DigestError, match="another sender"):
        log.take_lease(store, WEEK)
    renewed = log.renew_lease(store, held, seconds=3600)
    assert log.as_utc(renewed.expires_at) - datetime.now(UTC) > timedelta(minutes=59)
    with log.sending(store, "2025-W09") as lease:
        assert log.current_lease(store, "2025-W09") == lease
    assert log.current_lease(store, "2025-W09") is None


RACER = """
import sys
from digest.errors import DigestError
from digest.store import Store
from digest.store import deliveries as log

store = Store(sys.argv[1], migrate_schema=False)
print("ready", flush=True)
sys.stdin.readline()  # every racer starts at the same moment
try:
    log.take_lease(store, "2025-W03")
except DigestError as exc:
    print("refused", exc, flush=True)
else:
    print("taken", flush=True)
sys.stdin.readline()  # the holder stays alive until every racer has answered
"""


def test_racing_processes_take_the_lease_exactly_once(store, db_url):
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, db_url],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    try:
        assert [r.stdout.readline() for r in racers] == ["ready\n"] * 4
        for racer in racers:
            racer.stdin.write("go\n")
            racer.stdin.flush()
        answers = [r.stdout.readline() for r in racers]
    finally:
        for racer in racers:
            racer.communicate("done\n", timeout=60)
    assert sorted(a.split(" ", 1)[0].strip() for a in answers) == ["refused"] * 3 + ["taken"]
    assert all("another sender is mailing" in a for a in answers if a.startswith("refused"))


# -- two `digest send` at once against a real SMTP server -------------------------------------

TWENTY = [f"reader{n:02d}@example.org" for n in range(1, 21)]


def _send_config(tmp_path: Path, port: int) -> Path:
    """The project config with the desk's fixture week and twenty subscribers on one server."""
    listed = "".join(
        f"    - {{address: {a}, format: {'text' if n % 2 else 'html'}}}\n"
        for n, a in enumerate(TWENTY)
    )
    extra = (
        "delivery:\n  sender: Belarus Review <review@example.org>\n"
        f"  smtp: {{host: 127.0.0.1, port: {port}, security: none, timeout: 20}}\n"
        f"  recipients:\n{listed}"
    )
    return write_config(tmp_path, extra)


def _digest_send(config: Path) -> subprocess.Popen:
    """`digest send` for the fixture week, in its own process."""
    script = Path(sys.executable).parent / "digest"
    return subprocess.Popen([str(script), "send", "-c", str(config), "--week", WEEK],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


class HeldSink(Sink):
    """A Sink that keeps the first message waiting (the sender mid-list) until `go` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.first_arrived, self.go = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        """Hold the first message's DATA until the test lets it through (bounded)."""
        if not self.first_arrived.is_set():
            self.first_arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.go.wait, 60)
        return await super().handle_DATA(server, session, envelope)


def test_two_digest_sends_at_once_mail_each_of_twenty_recipients_exactly_once(tmp_path):
    handler = HeldSink()
    controller = start_server(handler)
    try:
        config = _send_config(tmp_path, controller.port)
        store = load_week(load_settings(config))
        first = _digest_send(config)
        assert handler.first_arrived.wait(120), first.communicate(timeout=5)
        second = _digest_send(config)  # the first is mid-list, its first copy in flight
        _, second_err = second.communicate(timeout=120)
        handler.go.set()
        first_out, first_err = first.communicate(timeout=120)
        third = _digest_send(config)  # afterwards: everyone already has it
        third_out, _ = third.communicate(timeout=120)
    finally:
        handler.go.set()
        controller.stop()
    assert first.returncode == 0, first_err
    assert "2025-W03: 20 sent, 0 already sent, 0 failed" in first_out
    assert second.returncode == 1
    lines = second_err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "digest: error: 2025-W03: another sender is mailing this issue (process"
    ), second_err
    assert third.returncode == 0 and "0 sent, 20 already sent" in third_out
    assert handler.copies() == dict.fromkeys(TWENTY, 1)
    assert log.counts(store, WEEK) == {"sending": 0, "sent": 20, "failed": 0}
    assert log.current_lease(store, WEEK) is None


def test_two_digest_sends_started_together_still_send_one_copy_each(tmp_path):
    handler = Sink()
    controller = start_server(handler)
    try:
        config = _send_config(tmp_path, controller.port)
        store = load_week(load_settings(config))
        runs = [_digest_send(config), _digest_send(config)]
        results = [(r.communicate(timeout=180), r.returncode) for r in runs]
    finally:
        controller.stop()
    assert handler.copies() == dict.fromkeys(TWENTY, 1), results
    assert log.counts(store, WEEK) == {"sending": 0, "sent": 20, "failed": 0}
    for (out, err), code in results:  # one sent all, the other refused or found all sent
        assert code == 0 or "another sender is mailing this issue" in err, (out, err)
