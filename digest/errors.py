"""The project's exceptions: one base class whose message is shown to the user as one line."""


class DigestError(Exception):
    """An expected failure with a message fit for the user (no traceback is shown)."""


class SourceError(DigestError):
    """One source failed; the message names the source and the reason."""

    def __init__(self, source_id: str, reason: str) -> None:
        super().__init__(f"source '{source_id}': {reason}")
        self.source_id = source_id
        self.reason = reason
