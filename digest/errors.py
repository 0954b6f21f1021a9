"""The project's exceptions, all in one place: one base class whose message is shown to the user
as one line; stages raise them, the CLI and the desk report them."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """The documented exit codes of the `digest` command (README "Exit codes", `digest --help`)."""

    OK = 0  # all went well
    FAILURE = 1  # the command failed (an internal error included)
    USAGE = 2  # bad input: an unknown option or argument, a bad value, an unusable config
    PARTIAL = 3  # done in part: some sources (targets, recipients, formats) failed, others not
    ABORTED = 130  # stopped with Ctrl-C


EXIT_CODE_LINES = (
    (ExitCode.OK, "all went well"),
    (ExitCode.FAILURE, "failed"),
    (ExitCode.USAGE, "bad input: usage, a bad value or an unusable configuration"),
    (ExitCode.PARTIAL, "partly done: some sources, targets, recipients or formats failed"),
    (ExitCode.ABORTED, "interrupted (Ctrl-C)"),
)


class DigestError(Exception):
    """An expected failure with a message fit for the user (no traceback is shown)."""

    exit_code: int = ExitCode.FAILURE


class InputError(DigestError):
    """Bad input from the user: a malformed week or date, an unknown id, clashing options."""

    exit_code = ExitCode.USAGE


class PartialFailure(DigestError):
    """The command did its work for some parts while others failed (each already reported)."""

    exit_code = ExitCode.PARTIAL


class SourceError(DigestError):
    """One source failed; the message names the source and the reason."""

    def __init__(self, source_id: str, reason: str) -> None:
        super().__init__(f"source '{source_id}': {reason}")
        self.source_id = source_id
        self.reason = reason


class ConfigError(DigestError):
    """A configuration file that cannot be used; the message lists every mistake."""

    exit_code = ExitCode.USAGE


class FetchError(DigestError):
    """One URL could not be fetched; the message names the URL and the reason."""

    def __init__(self, url: str, reason: str) -> None:
        """Keep the URL and the one-line reason apart for callers that report them."""
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class BinaryContentError(DigestError):
    """The body is not text (an image, an archive, a PDF...): nothing for the pipeline to read."""


class MailError(DigestError):
    """A copy that did not go out; `fatal` means the connection is unusable for the others too."""

    def __init__(self, message: str, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


class ModelVersionError(DigestError):
    """A model file written by another scikit-learn version: it is not unpickled or trusted."""


class BuildError(PartialFailure):
    """Some formats could not be made; the others were written (their paths are kept)."""

    def __init__(self, paths: list[Path], failures: list[str]) -> None:
        super().__init__("\n".join(failures))
        self.paths = paths
        self.failures = failures


class LLMError(DigestError):
    """The chat endpoint failed or answered in a shape that is not a chat completion."""


class EmptyIssueError(DigestError):
    """A week with no stories: its issue is not built unless the caller allows an empty one."""

    def __init__(self, week: str) -> None:
        super().__init__(
            f"the {week} issue would be empty (no stories stored for that week); "
            "nothing was built (--allow-empty builds it anyway)"
        )
        self.week = week
