"""Shim for the job path `digest.schedule:weekly_job` that schedulers started before the
re-layout stored in their databases: APScheduler resolves it when it loads the job."""

from digest.delivery.schedule import weekly_job

__all__ = ["weekly_job"]
