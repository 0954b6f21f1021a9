"""What every source kind shares: the context it runs in and the interface it implements."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel

from digest.models import Document
from digest.settings.schema import SourceConfig


def _never_seen(url: str) -> bool:
    return False


def _unrecorded(where: str, reason: str) -> None:
    return None


@dataclass(frozen=True)
class SourceContext:
    """What an adapter may use: the config folder, the HTTP fetcher, the time window."""

    base_dir: Path
    now: datetime
    fetcher: Any = None  # digest.fetch.client.Fetcher, or None when running offline
    since: datetime | None = None
    user_agent: str = "digest"
    seen: Callable[[str], bool] = field(default=_never_seen)  # is this article URL stored?
    # one document that could not be read (where, reason): counted as failed, the rest go on
    failed: Callable[[str, str], None] = field(default=_unrecorded)


class SourceKind(Protocol):
    """A source kind: a `kind` name, an `Options` model, and `documents()`."""

    kind: ClassVar[str]
    Options: ClassVar[type[BaseModel]]

    def documents(self, source: SourceConfig, ctx: SourceContext) -> Iterator[Document]:
        """Yield the source's documents; raise SourceError when the whole source fails."""
        ...
