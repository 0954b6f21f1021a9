"""What every command shares: the consoles, one-line logging, and the global options.

The global options -c/--config, -q/--quiet and -v/--verbose are accepted before the command
(`digest -c FILE send`) and after it (`digest send -c FILE`): `global_options` adds them to a
command or group and keeps what was given, at any level, in one `GlobalOptions` shared by the
whole invocation (click's `ctx.meta`). `common` adds them and hands the command its Settings.
This module stays light: the settings, pydantic and the stages are imported when a command runs.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from digest.errors import DigestError, PartialFailure
from digest.settings import DEFAULT_CONFIG

if TYPE_CHECKING:
    from rich.console import Console

    from digest.settings.schema import Settings

_KEY = "digest.options"


class LazyConsole:
    """A rich Console made on first use: importing rich is a third of the start-up time."""

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr
        self.quiet = False
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        """The rich Console itself (for progress displays), quiet when -q was given."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self.stderr, highlight=False, soft_wrap=True)
        self._console.quiet = self.quiet
        return self._console

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print as rich's Console.print does (nothing at all when quiet).

        Plain text with markup off is written as it is, without loading rich (a path list).
        """
        if self.quiet:
            return
        if (
            self._console is None
            and kwargs == {"markup": False}
            and all(isinstance(o, str) for o in objects)
        ):
            click.echo(" ".join(objects), err=self.stderr)
            return
        self.console.print(*objects, **kwargs)


out = LazyConsole()  # status and summaries: silenced by -q
err = LazyConsole(stderr=True)  # progress displays and notes


class GlobalOptions:
    """The global options as given anywhere on the command line (later levels add to earlier)."""

    def __init__(self) -> None:
        self.config: str | None = None
        self.quiet = False
        self.verbose = False

    @property
    def config_path(self) -> str:
        """The configuration file to read: the one named, else ./sources.yaml."""
        return self.config or DEFAULT_CONFIG


def options(ctx: click.Context | None = None) -> GlobalOptions:
    """This invocation's global options (shared by the group and its subcommands)."""
    ctx = ctx or click.get_current_context()
    found = ctx.meta.get(_KEY)
    if found is None:
        found = ctx.meta[_KEY] = GlobalOptions()
    return found


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback that records one global option and applies -q/-v at once."""

    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        given = options(ctx)
        if value:
            setattr(given, name, value)
        _apply(given)
        ctx.obj = {"quiet": given.quiet, "verbose": given.verbose}  # the older way to read them
        return value

    return callback


def global_options(func: Callable) -> Callable:
    """Add -c/--config, -q/--quiet and -v/--verbose to a command or group (recorded, not passed)."""
    func = click.option(
        "-v", "--verbose", is_flag=True, expose_value=False, callback=_remember("verbose"),
        help="Print progress details (and a traceback on an internal error).",
    )(func)  # fmt: skip
    func = click.option(
        "-q", "--quiet", is_flag=True, expose_value=False, callback=_remember("quiet"),
        help="Print errors and the command's product only (no progress, no summaries).",
    )(func)  # fmt: skip
    return click.option(
        "-c", "--config", metavar="FILE", expose_value=False, callback=_remember("config"),
        type=click.Path(dir_okay=False),
        help=f"The configuration file [default: ./{DEFAULT_CONFIG}].",
    )(func)  # fmt: skip


def common(func: Callable) -> Callable:
    """The global options, and the loaded Settings handed to the command as its first argument."""

    @global_options
    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        return func(load_config(), **kwargs)

    return wrapper


def load_config() -> Settings:
    """The Settings from the configuration file the global options name."""
    from digest.settings.loading import load_settings

    return load_settings(options().config_path)


def _apply(given: GlobalOptions) -> None:
    """Quiet or verbose: the status console and the log level follow the options."""
    import logging

    from digest.cli.logs import one_line_handler

    out.quiet = given.quiet
    level = logging.ERROR if given.quiet else logging.INFO if given.verbose else logging.WARNING
    handler = one_line_handler(given.verbose)
    handler.setLevel(level)  # also for a library that sets its own logger's level lower
    logging.basicConfig(level=level, handlers=[handler], force=True)


def one_line(text: str) -> str:
    """A message folded to one line (its own lines joined with ' / ')."""
    return " / ".join(part.strip() for part in str(text).splitlines() if part.strip())


def error_line(message: str) -> None:
    """Write one `digest: error: ...` line to stderr, unwrapped whatever the terminal width."""
    sys.stderr.write(f"digest: error: {one_line(message) or 'failed'}\n")
    sys.stderr.flush()


def raise_for_sources(outcomes: list[tuple[str, str | None]]) -> None:
    """Fail (exit 1) when every source failed, or report a partial run (exit 3) when some did."""
    failed = [source_id for source_id, error in outcomes if error]
    if not failed:
        return
    names = ", ".join(failed)
    if len(failed) == len(outcomes):
        raise DigestError(f"every source failed ({len(failed)}): {names}")
    raise PartialFailure(f"{len(failed)} of {len(outcomes)} sources failed: {names}")
