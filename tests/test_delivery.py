"""Delivering an issue: once per recipient, resumable after a crash, failures named and logged."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from string import Template

import pytest

from digest.delivery import deliver as delivery
from digest.delivery.recipients import Recipient, load_recipients
from digest.errors import DigestError
from digest.settings.loading import load_settings
from digest.settings.schema import DeliveryConfig, RecipientConfig, Settings
from digest.store import Store
from digest.store import deliveries as log
from digest.weeks import parse_week
from tests.conftest import UNSUBSCRIBE_SECRET
from tests.conftest import make_settings as project_settings
from tests.issue_factory import make_issue
from tests.test_mail import Sink, free_port, start_server

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "mail"
WEEK = "2025-W03"
NOW = datetime(2025, 1, 20, 5, 0, tzinfo=UTC)
FIVE = ["one@example.org", "two@example.org", "three@example.org", "four@example.org",
        "five@example.org"]  # fmt: skip

# The sender run in a child process, so a test can kill it with SIGKILL mid-list.
CHILD = """
import sys
from digest.settings.loading import load_settings
from digest.delivery.deliver import send_issue
from digest.delivery.recipients import load_recipients
from digest.store import Store
from tests.issue_factory import make_issue

settings = load_settings(sys.argv[1])
recipients, problems = load_recipients(settings)
send_issue(settings, Store(settings.database_url), make_issue(), recipients, problems=problems)
"""


def write_config(tmp_path: Path, port: int) -> Path:
    """The delivery.yaml fixture filled in for this test's server, database and out/ folder."""
    text = Template((FIXTURES / "delivery.yaml").read_text(encoding="utf-8"))
    values = {"port": port, "database": tmp_path / "digest.db", "out": tmp_path / "out"}
    path = tmp_path / "delivery.yaml"
    path.write_text(text.substitute(values), encoding="utf-8")
    return path


@pytest.fixture
def server():
    """A test SMTP server that refuses gone@example.org; yields (handler, port)."""
    handler = Sink(refuse=("gone@example.org",))
    controller = start_server(handler)
    yield handler, controller.port
    controller.stop()


def configured(tmp_path: Path, port: int, csv: str | None = None) -> Settings:
    """Settings from the fixture config, optionally adding a recipients CSV from the fixtures."""
    settings = load_settings(write_config(tmp_path, port))
    if csv:
        shutil.copy(FIXTURES / csv, tmp_path / csv)
        update = {"recipients_csv": csv}
        settings = settings.model_copy(
            update={"delivery": settings.delivery.model_copy(update=update)}
        )
    return settings


def send(settings: Settings, store: Store, **kwargs) -> delivery.DeliveryReport:
    """Send the fixture issue to the configured recipients."""
    recipients, problems = load_recipients(settings)
    return delivery.send_issue(
        settings, store, make_issue(), recipients, problems=problems, now=NOW, **kwargs
    )


def test_every_recipient_gets_one_copy_in_their_format_and_a_rerun_sends_nothing(server, tmp_path):
    handler, port = server
    settings = configured(tmp_path, port, csv="subscribers.csv")
    store = Store(settings.database_url)
    report = send(settings, store)
    expected = FIVE + ["analyst@example.org", "desk@example.net", "reader@example.com",
                       "late@Example.COM"]  # fmt: skip
    assert report.sent == expected and report.failed == [] and not report.ok
    assert len(report.problems) == 4 and report.problems[0].startswith("subscribers.csv:7:")
    assert handler.copies() == {address: 1 for address in expected}
    kinds = {rcpts[0]: msg.get_content_type() for rcpts, msg in handler.received}
    assert kinds["analyst@example.org"] == "multipart/mixed"
    assert kinds["one@example.org"] == "multipart/alternative"
    assert kinds["two@example.org"] == "text/plain"
    assert log.counts(store, WEEK) == {"sending": 0, "sent": 9, "failed": 4}
    assert "bad address" in log.get(store, WEEK, "not-an-address").error
    again = send(settings, store)
    assert again.sent == [] and again.skipped == expected
    assert handler.copies() == {address: 1 for address in expected}
    assert again.summary() == "2025-W03: 0 sent, 9 already sent, 4 failed"


def test_a_refused_recipient_is_named_and_the_others_still_get_theirs(server, tmp_path):
    handler, port = server
    settings = configured(tmp_path, port)
    store = Store(settings.database_url)
    listed = [Recipient(FIVE[0]), Recipient("gone@example.org"), Recipient(FIVE[1], format="text")]
    report = delivery.send_issue(settings, store, make_issue(), listed, now=NOW)
    assert report.sent == [FIVE[0], FIVE[1]]
    assert report.failed == [
        (
            "gone@example.org",
            "gone@example.org: refused by the server: 550 5.1.1 No such mailbox here",
        )
    ]
    row = log.get(store, WEEK, "gone@example.org")
    assert row.status == "failed" and "550" in row.error
    retry = delivery.send_issue(settings, store, make_issue(), listed, now=NOW)
    assert retry.skipped == [FIVE[0], FIVE[1]] and len(retry.failed) == 1
    assert log.get(store, WEEK, "gone@example.org").attempts == 2


def test_unreachable_server_fails_everyone_with_one_line_then_a_rerun_delivers(tmp_path):
    port = free_port()
    settings = configured(tmp_path, port)
    store = Store(settings.database_url)
    report = send(settings, store)
    assert [a for a, _ in report.failed] == FIVE and report.sent == []
    reason = report.failed[0][1]
    assert reason.startswith(f"SMTP server 127.0.0.1:{port} unreachable") and "\n" not in reason
    assert log.counts(store, WEEK)["failed"] == 5
    handler = Sink()
    controller = start_server(handler, port)
    try:
        assert send(settings, store).sent == FIVE
    finally:
        controller.stop()
    assert handler.copies() == dict.fromkeys(FIVE, 1)


def test_missing_secret_is_reported_for_everyone_and_nothing_is_sent(server, tmp_path):
    handler, port = server
    settings = configured(tmp_path, port)
    smtp = settings.delivery.smtp.model_copy(update={"username": "review"})
    config = settings.delivery.model_copy(update={"smtp": smtp})
    settings = settings.model_copy(update={"delivery": config})
    environ = {"DIGEST_UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET}  # no SMTP password
    report = send(settings, Store(settings.database_url), environ=environ)
    assert {reason for _, reason in report.failed} == {
        "SMTP login as review: environment variable DIGEST_SMTP_PASSWORD is not set"
    }
    assert handler.received == []


def test_dry_run_writes_eml_files_and_leaves_the_log_alone(server, tmp_path):
    handler, port = server
    settings = configured(tmp_path, port)
    store = Store(settings.database_url)
    report = send(settings, store, dry_run=True)
    folder = tmp_path / "out" / WEEK / "mail"
    assert report.written == [folder / f"{a}.eml" for a in FIVE]
    msg = message_from_bytes(report.written[1].read_bytes(), policy=policy.default)
    assert msg["To"].addresses[0].addr_spec == "two@example.org"
    assert msg.get_content_type() == "text/plain"
    assert handler.received == [] and log.for_week(store, WEEK) == []
    assert "5 written as .eml (dry run)" in report.summary()


def test_explicit_resend_overrides_the_log_for_that_recipient_only(server, tmp_path):
    handler, port = server
    settings = configured(tmp_path, port)
    store = Store(settings.database_url)
    send(settings, store)
    wanted = ["THREE@example.org", "new@example.net"]  # listed (any case), and not listed
    chosen = delivery.choose(load_recipients(settings)[0], wanted, "text")
    assert chosen[0].format == "html" and chosen[1] == Recipient(
        "new@example.net", "", "text", "--to"
    )
    report = delivery.send_issue(settings, store, make_issue(), chosen, force=True, now=NOW)
    assert report.sent == ["three@example.org", "new@example.net"]
    assert handler.copies()["three@example.org"] == 2 and handler.copies()["one@example.org"] == 1
    assert log.get(store, WEEK, "three@example.org").attempts == 2
    with pytest.raises(DigestError, match="--to: bad address 'nobody'"):
        delivery.choose([], ["nobody"])


def test_an_empty_issue_or_missing_delivery_section_is_refused(server, tmp_path):
    _, port = server
    settings = configured(tmp_path, port)
    store = Store(settings.database_url)
    empty = make_issue(empty=("military", "political", "human_rights", "propaganda"))
    with pytest.raises(DigestError, match="the issue has no stories"):
        delivery.send_issue(settings, store, empty, [Recipient(FIVE[0])])
    bare = settings.model_copy(update={"delivery": None})
    with pytest.raises(DigestError, match="delivery is not configured"):
        delivery.deliver(bare, store, parse_week(WEEK))
    with pytest.raises(DigestError, match="delivery is not configured"):
        delivery.cycle(bare, store, NOW)


def run_child(config: Path) -> subprocess.Popen:
    """Start the sender in a child process on the given config."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(config)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def kill_when(child: dict, address: str):
    """An RCPT hook that SIGKILLs the child sender when it reaches `address` (first time only)."""

    def hook(rcpt: str) -> None:
        if rcpt == address and not child.get("killed"):
            child["killed"] = True
            os.kill(child["proc"].pid, signal.SIGKILL)
            child["proc"].wait(timeout=30)

    return hook


def test_sender_killed_mid_list_resumes_and_everyone_has_exactly_one_copy(tmp_path):
    child: dict = {}
    handler = Sink(on_rcpt=kill_when(child, "three@example.org"))
    controller = start_server(handler)
    try:
        config = write_config(tmp_path, controller.port)
        child["proc"] = run_child(config)
        child["proc"].wait(timeout=120)
        assert child["proc"].returncode == -signal.SIGKILL
        settings = load_settings(config)
        store = Store(settings.database_url)
        states = {d.recipient: d.status for d in log.for_week(store, WEEK)}
        assert states == {FIVE[0]: "sent", FIVE[1]: "sent", FIVE[2]: "sending"}
        report = send(settings, store)
    finally:
        controller.stop()
    assert report.skipped == FIVE[:2] and report.sent == FIVE[2:]
    assert handler.copies() == dict.fromkeys(FIVE, 1)
    assert log.counts(store, WEEK) == {"sending": 0, "sent": 5, "failed": 0}
    assert log.get(store, WEEK, FIVE[2]).attempts == 2


def test_at_least_once_edge_a_crash_after_the_server_took_the_message_sends_it_twice(tmp_path):
    """Documents the edge: killed after DATA was accepted but before the log said "sent"."""
    child: dict = {}
    handler = Sink()
    original = handler.handle_DATA

    async def data_then_kill(server, session, envelope):
        reply = await original(server, session, envelope)
        if envelope.rcpt_tos == [FIVE[1]] and not child.get("killed"):
            kill_when(child, FIVE[1])(FIVE[1])  # the server has the message; the sender dies
        return reply

    handler.handle_DATA = data_then_kill
    controller = start_server(handler)
    try:
        config = write_config(tmp_path, controller.port)
        child["proc"] = run_child(config)
        child["proc"].wait(timeout=120)
        settings = load_settings(config)
        store = Store(settings.database_url)
        assert log.get(store, WEEK, FIVE[1]).status == "sending"
        send(settings, store)
    finally:
        controller.stop()
    assert handler.copies() == {**dict.fromkeys(FIVE, 1), FIVE[1]: 2}


def test_deliver_and_cycle_take_the_issue_from_the_store(server, tmp_path):
    handler, port = server
    base = project_settings(tmp_path)
    recipients = (RecipientConfig(address="desk@example.org", format="pdf"),)
    smtp = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5}
    config = DeliveryConfig(sender="review@example.org", smtp=smtp, recipients=recipients)
    settings = base.model_copy(update={"delivery": config})
    store = Store(settings.database_url)
    result = delivery.cycle(settings, store, datetime(2025, 1, 20, 6, 0, tzinfo=UTC))
    assert result.week == WEEK and result.delivery.sent == ["desk@example.org"]
    assert any(p.suffix == ".pdf" for p in result.paths)
    _, msg = handler.received[0]
    assert msg["Subject"] == "Belarus Review — January 20, 2025"
    assert next(msg.iter_attachments()).get_content_type() == "application/pdf"
    again = delivery.deliver(settings, store, parse_week(WEEK), now=NOW)
    assert again.skipped == ["desk@example.org"] and len(handler.received) == 1


def test_delivery_commands_have_help_ending_with_an_example_and_fail_in_one_line(tmp_path):
    from click.testing import CliRunner

    from digest.cli.delivery import COMMANDS

    runner = CliRunner()
    for command in COMMANDS:
        helptext = runner.invoke(command, ["--help"]).output
        assert (
            helptext.split("Options:")[0]
            .strip()
            .splitlines()[-1]
            .strip()
            .startswith("Example: digest ")
        )
        assert "--config" in helptext
    config = write_config(tmp_path, free_port())
    result = runner.invoke(COMMANDS[1], ["-c", str(config), "--week", WEEK, "--dry-run"])
    assert isinstance(result.exception, DigestError)
    assert str(result.exception) == "2025-W03: the issue has no stories; nothing to send"
