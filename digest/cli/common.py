"""What every command shares: the consoles, logging, and the -c/--quiet/--verbose options."""

from __future__ import annotations

import functools
import logging

import click
from rich.console import Console
from rich.logging import RichHandler

from digest.settings.loading import DEFAULT_CONFIG, load_settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def common(func):
    """Add -c/--config, --quiet and --verbose to a command and hand it the loaded Settings."""

    @click.option(
        "-c",
        "--config",
        "config_path",
        default=DEFAULT_CONFIG,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The configuration file.",
    )
    @click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
    @click.option("-v", "--verbose", is_flag=True, help="Print progress details.")
    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx, config_path, quiet, verbose, **kwargs):
        _logging(quiet, verbose)
        ctx.obj = {"quiet": quiet, "verbose": verbose}
        return func(load_settings(config_path), **kwargs)

    return wrapper


def _logging(quiet: bool, verbose: bool) -> None:
    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    handler = RichHandler(console=err, show_time=False, show_path=False)
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler], force=True)
