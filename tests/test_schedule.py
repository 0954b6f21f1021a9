"""The weekly scheduler under a controlled clock: missed runs, coalescing, grace time, restart.

APScheduler 3.x reads the time through `datetime.now` in its scheduler and executor modules;
the `clock` fixture replaces that one name with a clock the test sets, and the scheduler is a
BaseScheduler that runs jobs in the calling thread (DebugExecutor) when the test asks it to
process due jobs. The job store is the real SQLAlchemyJobStore in the test's SQLite database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest
from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import create_engine, text

from digest.delivery import schedule
from digest.errors import DigestError
from digest.settings.loading import load_settings
from digest.settings.schema import ScheduleConfig, Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "mail"
MINSK = ZoneInfo("Europe/Minsk")
JOB = "tests.test_schedule:record_run"
RUNS: list[tuple[str, datetime]] = []


def record_run(config_path: str) -> None:
    """The job the tests schedule: note the config it was given and the clock's time."""
    RUNS.append((config_path, apscheduler.schedulers.base.datetime.now(MINSK)))


class ManualScheduler(BaseScheduler):
    """A scheduler with no thread of its own: jobs run when the test calls process()."""

    def wakeup(self) -> None:
        """Nothing to wake: the test drives the scheduler."""

    def shutdown(self, wait: bool = True) -> None:
        """Stop the executor and close the job store, as the real schedulers do."""
        super().shutdown(wait)

    def _create_default_executor(self):
        return DebugExecutor()

    def process(self) -> None:
        """Run whatever is due at the clock's time, as the scheduler's loop would."""
        self._process_jobs()


class Clock:
    """The time APScheduler sees."""

    now = datetime(2025, 1, 1, tzinfo=MINSK)


@pytest.fixture
def clock(monkeypatch) -> type[Clock]:
    """Make APScheduler read `Clock.now` instead of the real time."""

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return Clock.now.astimezone(tz) if tz else Clock.now.replace(tzinfo=None)

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", FakeDatetime)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", FakeDatetime)
    RUNS.clear()
    return Clock


def config_file(tmp_path: Path) -> Path:
    """The delivery fixture config (Mondays 07:00 Europe/Minsk, 24 h grace) in tmp_path."""
    text = Template((FIXTURES / "delivery.yaml").read_text(encoding="utf-8"))
    values = {"port": 2525, "database": tmp_path / "digest.db", "out": tmp_path / "out"}
    path = tmp_path / "delivery.yaml"
    path.write_text(text.substitute(values), encoding="utf-8")
    return path


def boot(settings: Settings, config: str = "cfg.yaml") -> ManualScheduler:
    """Start a scheduler on the settings' database as `digest schedule` does, job installed."""
    scheduler = schedule.make_scheduler(settings, ManualScheduler)
    scheduler.start(paused=True)
    schedule.install_job(scheduler, settings, config, func=JOB)
    scheduler.resume()
    return scheduler


def at(*parts: int) -> datetime:
    """A moment in Minsk time."""
    return datetime(*parts, tzinfo=MINSK)


def stored_jobs(settings: Settings) -> int:
    """How many jobs the database's job table holds."""
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        count = conn.execute(text(f"SELECT count(*) FROM {schedule.JOBS_TABLE}")).scalar_one()
    engine.dispose()
    return count


def test_the_job_runs_once_at_its_time_and_is_then_due_next_monday(clock, tmp_path):
    settings = load_settings(config_file(tmp_path))
    clock.now = at(2025, 1, 13, 6, 59)  # a Monday, a minute early
    scheduler = boot(settings)
    scheduler.process()
    assert RUNS == []
    assert scheduler.get_job(schedule.JOB_ID).next_run_time == at(2025, 1, 13, 7, 0)
    clock.now = at(2025, 1, 13, 7, 0, 5)
    scheduler.process()
    scheduler.process()
    assert RUNS == [("cfg.yaml", at(2025, 1, 13, 7, 0, 5))]
    assert scheduler.get_job(schedule.JOB_ID).next_run_time == at(2025, 1, 20, 7, 0)
    scheduler.shutdown()


def test_three_mondays_missed_while_down_give_one_run_on_return(clock, tmp_path):
    settings = load_settings(config_file(tmp_path))
    clock.now = at(2025, 1, 1, 12, 0)
    boot(settings).shutdown()  # the machine goes down with the job stored for January 6
    clock.now = at(2025, 1, 20, 9, 30)  # back after January 6, 13 and 20 passed
    scheduler = boot(settings)
    scheduler.process()
    assert RUNS == [("cfg.yaml", at(2025, 1, 20, 9, 30))]
    assert scheduler.get_job(schedule.JOB_ID).next_run_time == at(2025, 1, 27, 7, 0)
    assert stored_jobs(settings) == 1
    scheduler.shutdown()


def test_a_run_later_than_the_grace_time_is_reported_missed_not_run(clock, tmp_path):
    settings = load_settings(config_file(tmp_path))
    clock.now = at(2025, 1, 1, 12, 0)
    boot(settings).shutdown()
    clock.now = at(2025, 1, 22, 12, 0)  # Wednesday: January 20 07:00 is 53 hours late
    scheduler = boot(settings)
    missed = []
    scheduler.add_listener(lambda event: missed.append(event.scheduled_run_time), EVENT_JOB_MISSED)
    scheduler.process()
    assert RUNS == []
    assert missed == [at(2025, 1, 20, 7, 0)]  # coalesced: only the newest missed run counts
    assert scheduler.get_job(schedule.JOB_ID).next_run_time == at(2025, 1, 27, 7, 0)
    scheduler.shutdown()


def test_restarts_keep_one_job_and_a_changed_time_reschedules_it(clock, tmp_path):
    settings = load_settings(config_file(tmp_path))
    clock.now = at(2025, 1, 14, 10, 0)
    for _ in range(3):
        boot(settings, "first.yaml").shutdown()
    assert stored_jobs(settings) == 1
    later = ScheduleConfig(day_of_week="fri", time="18:30", misfire_grace_hours=2)
    delivery = settings.delivery.model_copy(update={"schedule": later})
    changed = settings.model_copy(update={"delivery": delivery})
    scheduler = boot(changed, "second.yaml")
    job = scheduler.get_job(schedule.JOB_ID)
    assert job.next_run_time == at(2025, 1, 17, 18, 30)
    assert job.args == ("second.yaml",) and job.misfire_grace_time == 7200
    assert (job.coalesce, job.max_instances) == (True, 1)
    assert stored_jobs(changed) == 1
    scheduler.shutdown()


def test_trigger_and_options_follow_the_config(tmp_path):
    settings = load_settings(config_file(tmp_path))
    trigger = schedule.trigger(settings)
    assert str(trigger.timezone) == "Europe/Minsk"
    assert trigger.get_next_fire_time(None, at(2025, 1, 14, 0, 0)) == at(2025, 1, 20, 7, 0)
    assert schedule.job_options(settings) == {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": 86400,
    }
    bad = settings.delivery.model_copy(update={"schedule": ScheduleConfig(day_of_week="funday")})
    with pytest.raises(DigestError, match="delivery.schedule"):
        schedule.trigger(settings.model_copy(update={"delivery": bad}))
    with pytest.raises(DigestError, match="delivery is not configured"):
        schedule.trigger(settings.model_copy(update={"delivery": None}))


SERVE = "from digest.cli.delivery import schedule; schedule.main(sys.argv[1:])"


def test_the_schedule_command_stops_cleanly_on_sigterm_and_a_restart_adds_no_job(tmp_path):
    config = config_file(tmp_path)
    env = os.environ | {"PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    for _ in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-c", f"import sys; {SERVE}", "-c", str(config)],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        first = proc.stdout.readline()
        assert first.startswith("scheduler started; next run 20"), proc.stderr.read()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "scheduler stopped" in out
    assert stored_jobs(load_settings(config)) == 1


def test_the_weekly_job_logs_a_failed_cycle_in_one_line_and_does_not_raise(tmp_path, caplog):
    schedule.weekly_job(str(tmp_path / "missing.yaml"))
    assert "weekly run failed: " in caplog.text and "no such config file" in caplog.text
    caplog.clear()
    schedule.weekly_job(str(config_file(tmp_path)))  # no sources, so this week's issue is empty
    assert "the issue has no stories; nothing to send" in caplog.text


def test_by_default_a_run_missed_for_days_still_happens_once(clock, tmp_path):
    text = config_file(tmp_path).read_text(encoding="utf-8")
    text = text.replace(", misfire_grace_hours: 24}", "}")  # the default grace: six days
    config = tmp_path / "default-grace.yaml"
    config.write_text(text, encoding="utf-8")
    settings = load_settings(config)
    clock.now = at(2025, 1, 1, 12, 0)
    boot(settings).shutdown()
    clock.now = at(2025, 1, 22, 12, 0)  # two Mondays missed, the newest 53 hours ago
    scheduler = boot(settings)
    scheduler.process()
    assert len(RUNS) == 1  # coalesced: once, not once per missed week
    scheduler.shutdown()
