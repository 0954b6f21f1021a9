"""Logging for the command line: each record one `digest: level: message` line on stderr."""

from __future__ import annotations

import logging
import sys


class _StderrHandler(logging.StreamHandler):
    """A handler writing to whatever sys.stderr is now (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        """Always the current sys.stderr."""
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class OneLineFormatter(logging.Formatter):
    """Each log record as one `digest: level: message` line, never wrapped or split."""

    def __init__(self, full: bool = False) -> None:
        super().__init__()
        self.full = full

    def format(self, record: logging.LogRecord) -> str:
        """The record on one line (a traceback only with -v, on the lines after it)."""
        message = " / ".join(p.strip() for p in record.getMessage().splitlines() if p.strip())
        line = f"digest: {record.levelname.lower()}: {message}"
        if self.full and record.exc_info:
            return line + "\n" + self.formatException(record.exc_info)
        return line


def one_line_handler(verbose: bool) -> logging.Handler:
    """The stderr handler of the command line (tracebacks of logged errors only when verbose)."""
    handler = _StderrHandler()
    handler.setFormatter(OneLineFormatter(full=verbose))
    return handler


class Announce(logging.Handler):
    """Progress and outcomes as plain lines on stdout, through a console that -q silences."""

    def __init__(self, console) -> None:
        super().__init__(logging.INFO)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        """Print the message alone; warnings and errors go to stderr through the root handler."""
        if record.levelno < logging.WARNING:
            self.console.print(record.getMessage(), markup=False)
