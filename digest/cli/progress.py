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


@contextmanager
def step_progress(console: Console, disable: bool = False) -> Iterator:
    """A spinner naming the current step of a long job, with its time; yields step(description).

    Each finished step is left as a line with the time it took, so a long job is never silent;
    when stderr is not a terminal (cron, a pipe), each step is one plain `digest: ...` line.
    """
    if not console.is_terminal:

        def line(description: str) -> None:
            if not disable:
                console.print(f"digest: {description}", markup=False, highlight=False)

        yield line
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=disable,
        transient=False,
    ) as progress:
        current: list[TaskID] = []

        def step(description: str) -> None:
            if current:
                progress.update(current[-1], completed=1, total=1)
                progress.stop_task(current[-1])
            current.append(progress.add_task(description, total=None))

        yield step
        if current:
            progress.update(current[-1], completed=1, total=1)
            progress.stop_task(current[-1])
