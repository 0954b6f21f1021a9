"""The weekly job: APScheduler 3.x with a cron trigger, its job store in the digest's database.

How missed runs behave (APScheduler 3.x): the job's next run time is kept in the database. When
the scheduler comes back after downtime, a job whose next run time has passed is due; with
coalesce=True only the newest missed run time is kept, so three missed Mondays give one run,
and that run happens only if it is less than the misfire grace time late (otherwise it is
reported missed and the next Monday is scheduled). `install_job` keeps a stored job whose
trigger is unchanged, so a restart neither duplicates the job nor forgets a missed run.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from digest.errors import DigestError
from digest.settings.loading import load_settings
from digest.settings.schema import Settings

JOB_ID = "digest-weekly"
JOB_FUNC = "digest.delivery.schedule:weekly_job"
JOBS_TABLE = "apscheduler_jobs"
log = logging.getLogger(__name__)


def trigger(settings: Settings) -> CronTrigger:
    """The weekly cron trigger from config (day and HH:MM) in the digest's time zone."""
    schedule = _schedule(settings)
    hour, minute = (int(part) for part in schedule.time.split(":"))
    try:
        return CronTrigger(
            day_of_week=schedule.day_of_week, hour=hour, minute=minute, timezone=settings.zone
        )
    except ValueError as exc:
        raise DigestError(f"delivery.schedule: {exc}") from exc


def job_options(settings: Settings) -> dict:
    """The job's run policy: coalesce missed runs, one at a time, the configured grace time."""
    grace = int(_schedule(settings).misfire_grace_hours * 3600)
    return {"coalesce": True, "max_instances": 1, "misfire_grace_time": grace}


def make_scheduler(settings: Settings, kind: type[BaseScheduler] = BackgroundScheduler):
    """A scheduler of `kind` whose job store is the `apscheduler_jobs` table of our database."""
    store = SQLAlchemyJobStore(url=settings.database_url, tablename=JOBS_TABLE)
    return kind(
        jobstores={"default": store}, job_defaults=job_options(settings), timezone=settings.zone
    )


def install_job(
    scheduler: BaseScheduler, settings: Settings, config_path: str, func: str = JOB_FUNC
) -> Job:
    """Add the weekly job, or keep the stored one (and its pending missed run) if unchanged."""
    wanted = trigger(settings)
    job = scheduler.get_job(JOB_ID)
    if job is None:
        return scheduler.add_job(
            func, wanted, id=JOB_ID, name="weekly digest", args=(config_path,),
            **job_options(settings),
        )  # fmt: skip
    if repr(job.trigger) != repr(wanted):
        log.info("schedule changed from %s to %s", job.trigger, wanted)
        scheduler.reschedule_job(JOB_ID, trigger=wanted)
    return scheduler.modify_job(JOB_ID, func=func, args=(config_path,), **job_options(settings))


def weekly_job(config_path: str) -> None:
    """The scheduled run: load the config afresh and run one full cycle; log it and its outcome."""
    from digest.delivery.deliver import cycle
    from digest.pipeline import open_store

    log.info("weekly run started (config %s)", config_path)
    try:
        settings = load_settings(config_path)
        store = open_store(settings)
        try:
            report = cycle(settings, store)
        finally:
            store.close()
    except DigestError as exc:  # already one line; the next week's run is still scheduled
        log.error("weekly run failed: %s", exc)
        return
    except Exception as exc:  # noqa: BLE001 - logged, and the next week's run still happens
        log.exception("weekly run failed: internal error: %s: %s", type(exc).__name__, exc)
        return
    failed = [s.source_id for s in report.sources if s.error]
    if failed:
        count = f"{len(failed)} of {len(report.sources)}"
        log.warning("weekly run %s: %s sources failed: %s", report.week, count, ", ".join(failed))
    log.info("weekly run %s: %d items labelled, %d files built", report.week,
             report.classified, len(report.paths))  # fmt: skip
    done = log.info if report.delivery.ok else log.error
    done("weekly run done: %s", report.delivery.summary())


def next_run(scheduler: BaseScheduler) -> str:
    """When the weekly job runs next, as text for the console."""
    job = scheduler.get_job(JOB_ID)
    when = getattr(job, "next_run_time", None)
    return when.isoformat() if when else "never"


RECEIVED: list[str] = []  # the signals that asked the scheduler to stop, newest last


def stop_on_signals(stop: threading.Event) -> None:
    """Make SIGTERM and SIGINT set `stop`, so the scheduler can finish the running job and exit."""

    def handler(signum, _frame) -> None:
        # Only set the event here: a handler that logs can wait for a lock the interrupted
        # code holds. serve() says which signal it was once the wait returns.
        RECEIVED.append(signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def serve(
    settings: Settings,
    config_path: str | Path,
    stop: threading.Event,
    announce: Callable[[str], None] = log.info,
) -> None:
    """Run the scheduler until `stop` is set, then let a running job finish and shut down."""
    _schedule(settings)
    scheduler = make_scheduler(settings)
    scheduler.start(paused=True)
    try:
        install_job(scheduler, settings, str(Path(config_path).resolve()))
        scheduler.resume()
        announce(f"scheduler started; next run {next_run(scheduler)}")
        stop.wait()
        if RECEIVED:
            log.info("received %s; stopping", RECEIVED[-1])
    finally:
        scheduler.shutdown(wait=True)
    announce("scheduler stopped")


def _schedule(settings: Settings):
    """The schedule settings, or a DigestError when delivery is not configured."""
    if settings.delivery is None:
        raise DigestError("delivery is not configured: add a 'delivery:' section to the config")
    return settings.delivery.schedule
