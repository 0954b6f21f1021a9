"""Progress bars for long work, drawn on stderr with rich."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn


@contextmanager
def source_progress(console: Console, disable: bool = False) -> Iterator:
    """A per-source progress display; yields a callback (source id, documents done)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} documents"),
        TimeElapsedColumn(),
        console=console,
        disable=disable,
        transient=False,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def update(source_id: str, done: int) -> None:
            if source_id not in tasks:
                tasks[source_id] = progress.add_task(source_id, total=None)
            progress.update(tasks[source_id], completed=done)

        yield update
