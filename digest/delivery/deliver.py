"""The delivery stages: send a week's issue to every recipient once, and the whole weekly cycle.

Each copy is claimed in the delivery log before its SMTP transaction and marked sent after it,
so a re-run skips recipients already served and a crash resumes with the one that was in flight
(that one may get a second copy: see digest/store/deliveries.py). A run holds the week's send
lease while it mails, so a second run at the same time stops at once instead of sending again.
One recipient's failure stops nobody else; the report and the log both say who did not get a
copy and why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from digest import pipeline as run
from digest.delivery import unsubscribe
from digest.delivery.mail import Edition, Mailer, compose
from digest.delivery.recipients import Recipient, Rejected, address_problem, load_recipients
from digest.errors import DigestError, MailError
from digest.models import Issue
from digest.publish import write_archive, write_bytes
from digest.render import email, pdf
from digest.render.common import issue_slug
from digest.settings.schema import DeliveryConfig, Settings
from digest.store import Store, unsubscribes
from digest.store import deliveries as log_
from digest.store.editing import published_weeks
from digest.weeks import Week, last_complete_week, now_utc

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What one delivery run did: who got a copy, who already had one, who did not and why."""

    week: str
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already sent before this run
    unsubscribed: list[str] = field(default_factory=list)  # listed, but they unsubscribed
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, one-line reason)
    problems: list[str] = field(default_factory=list)  # recipients that could not be listed
    written: list[Path] = field(default_factory=list)  # .eml files of a dry run

    @property
    def ok(self) -> bool:
        """Whether every listed recipient has their copy."""
        return not self.failed and not self.problems

    def summary(self) -> str:
        """One line for the command's output."""
        parts = [f"{len(self.sent)} sent", f"{len(self.skipped)} already sent"]
        if self.unsubscribed:
            parts.append(f"{len(self.unsubscribed)} unsubscribed (skipped)")
        parts.append(f"{len(self.failed) + len(self.problems)} failed")
        if self.written:
            parts.append(f"{len(self.written)} written as .eml (dry run)")
        return f"{self.week}: " + ", ".join(parts)


@dataclass
class CycleReport:
    """One weekly cycle: the week, each source's result, the files built and the delivery."""

    week: str
    sources: list[run.SourceResult]
    classified: int
    paths: list[Path]
    delivery: DeliveryReport


def require_delivery(settings: Settings) -> DeliveryConfig:
    """The delivery settings, or a one-line DigestError saying they are missing."""
    if settings.delivery is None:
        raise DigestError("delivery is not configured: add a 'delivery:' section to the config")
    return settings.delivery


def choose(
    recipients: list[Recipient], wanted: Sequence[str], fmt: str = "html"
) -> list[Recipient]:
    """The listed recipients named in `wanted`; an unlisted address gets `fmt` (checked first)."""
    by_key = {r.key.lower(): r for r in recipients}
    chosen = []
    for address in wanted:
        found = by_key.get(address.strip().lower())
        if found is None:
            problem = address_problem(address)
            if problem:
                raise DigestError(f"--to: {problem}")
            found = Recipient(address.strip(), "", fmt, "--to")
        chosen.append(found)
    return chosen


def deliver(
    settings: Settings,
    store: Store,
    week: Week,
    *,
    to: Sequence[str] | None = None,
    to_format: str = "html",
    dry_run: bool = False,
    resend: bool = False,
    now: datetime | None = None,
    environ: Mapping[str, str] | None = None,
) -> DeliveryReport:
    """Send the week's issue (from the store) to the recipients, or again to those in `to`."""
    require_delivery(settings)
    recipients, problems = load_recipients(settings)
    if to:
        recipients, problems = choose(recipients, to, to_format), []
    issue = run.issue_for_week(settings, store, week)
    return send_issue(
        settings,
        store,
        issue,
        recipients,
        problems=problems,
        dry_run=dry_run,
        force=resend or bool(to),
        now=now,
        environ=environ,
    )


def send_issue(
    settings: Settings,
    store: Store,
    issue: Issue,
    recipients: Sequence[Recipient],
    *,
    problems: Sequence[Rejected] = (),
    dry_run: bool = False,
    force: bool = False,
    now: datetime | None = None,
    environ: Mapping[str, str] | None = None,
) -> DeliveryReport:
    """Send one issue to each recipient once (forced: again), logging every outcome."""
    delivery = require_delivery(settings)
    if issue.story_count == 0:
        raise DigestError(f"{issue.week}: the issue has no stories; nothing to send")
    report = DeliveryReport(issue.week, problems=[p.reason for p in problems])
    for problem in problems:
        log.error("%s", problem.reason)
    key = unsubscribe.secret(delivery, environ) if unsubscribe.configured(delivery) else None
    gone = unsubscribes.unsubscribed(store)
    report.unsubscribed = [r.address for r in recipients if unsubscribes.mailbox(r.address) in gone]
    recipients = [r for r in recipients if unsubscribes.mailbox(r.address) not in gone]
    formats = {r.format for r in recipients}
    stamp = now or now_utc()
    if dry_run:
        edition, pdf_error = make_edition(issue, settings, formats, unsubscribe=key is not None)
        for recipient in recipients:
            links = unsubscribe.links(delivery, key, recipient.address) if key else None
            if recipient.format == "pdf" and pdf_error:
                _fail(None, report, recipient, pdf_error)
            else:
                msg = compose(edition, recipient, delivery, stamp, links)
                report.written.append(_write_eml(msg, edition.week, recipient, settings))
        log.info("%s", report.summary())
        return report
    seconds = max(log_.LEASE_SECONDS, 10 * delivery.smtp.timeout)
    with log_.sending(store, issue.week, seconds) as lease:  # one sender per week at a time
        edition, pdf_error = make_edition(issue, settings, formats, unsubscribe=key is not None)
        for problem in problems:
            log_.mark_failed(store, issue.week, problem.log_key, problem.reason)
        with Mailer(delivery.smtp, environ) as mailer:
            for recipient in recipients:
                lease = log_.renew_lease(store, lease, seconds)
                links = unsubscribe.links(delivery, key, recipient.address) if key else None
                if recipient.format == "pdf" and pdf_error:
                    _fail(store, report, recipient, pdf_error)
                else:
                    msg = compose(edition, recipient, delivery, stamp, links)
                    _send_one(store, mailer, msg, recipient, report, force)
    if report.sent:  # a mailed issue counts as published: the index and feed say so now
        write_archive(settings, published_weeks(store))
    log.info("%s", report.summary())
    return report


def make_edition(
    issue: Issue, settings: Settings, formats: set[str], *, unsubscribe: bool = False
) -> tuple[Edition, str]:
    """The issue rendered for mail (a mark for each recipient's unsubscribe link); the PDF only
    when wanted. Returns (edition, PDF error)."""
    pdf_bytes, pdf_error = None, ""
    if "pdf" in formats:
        try:
            content = pdf.render(issue, settings).content
            pdf_bytes = content if isinstance(content, bytes) else content.encode("utf-8")
        except DigestError as exc:
            pdf_error = f"PDF not attached: {exc}"
            log.error("%s", pdf_error)
    text, html = email.mail_parts(issue, settings, unsubscribe)
    edition = Edition(
        week=issue.week,
        subject=issue.title,
        text=text,
        html=html,
        pdf=pdf_bytes,
        pdf_name=f"{issue_slug(issue)}.pdf",
    )
    return edition, pdf_error


def _send_one(store, mailer: Mailer, msg, recipient: Recipient, report, force: bool) -> None:
    """Claim, send and mark one copy; a failure is logged and reported, never raised."""
    week, key = report.week, recipient.key
    if not log_.claim(store, week, key, recipient.format, msg["Message-ID"], force=force):
        report.skipped.append(recipient.address)
        return
    try:
        mailer.send(msg, recipient.address)
    except MailError as exc:
        _fail(store, report, recipient, str(exc))
        return
    log_.mark_sent(store, week, key)
    report.sent.append(recipient.address)


def _fail(store: Store | None, report: DeliveryReport, recipient: Recipient, reason: str) -> None:
    """Report a copy that did not go out, and log it in the store (none on a dry run)."""
    log.error("%s: not sent: %s", recipient.address, reason)
    if store is not None:
        log_.mark_failed(store, report.week, recipient.key, reason, recipient.format)
    report.failed.append((recipient.address, reason))


def _write_eml(msg, week: str, recipient: Recipient, settings: Settings) -> Path:
    """A dry run's copy for one recipient, written to out/<week>/mail/<address>.eml."""
    name = re.sub(r"[^A-Za-z0-9@._+-]+", "_", recipient.address) + ".eml"
    return write_bytes(settings.out_dir / week / "mail" / name, msg.as_bytes())


def cycle(
    settings: Settings, store: Store, now: datetime | None = None, *, dry_run: bool = False
) -> CycleReport:
    """One weekly run: ingest every source, classify, build the last complete week, deliver it."""
    require_delivery(settings)
    now = now or now_utc()
    week = last_complete_week(now, settings.zone)
    sources = run.collect(settings, store)
    classified = run.classify(settings, store)
    try:
        paths = run.build(settings, store, week)
    except run.EmptyIssueError:  # nothing built; delivery below says there is nothing to send
        paths = []
    except run.BuildError as exc:  # e.g. no PDF: the other formats still go out
        log.error("%s", exc)
        paths = exc.paths
    report = deliver(settings, store, week, now=now, dry_run=dry_run)
    return CycleReport(week.label, sources, classified, paths, report)
