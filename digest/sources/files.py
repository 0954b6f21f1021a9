"""The `file` source kind: local .txt, .html and .md files, or whole folders of them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import BaseModel, ConfigDict

from digest.errors import BinaryContentError, SourceError
from digest.fetch.charset import decode
from digest.models import Document
from digest.settings.schema import SourceConfig
from digest.sources.base import SourceContext

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}
SIDECAR = ".meta.yaml"
MAX_FILE_BYTES = 20 * 1024 * 1024
# What a sidecar or front matter may set: the fields an item takes from its document.
# `source` and `outlet` both name the publishing outlet; `published` is `date` by another name.
META_KEYS = {"url", "date", "published", "source", "outlet", "title", "author", "language"}


class FileSource:
    """Reads local files; a sidecar `<file>.meta.yaml` or YAML front matter sets metadata."""

    kind: ClassVar[str] = "file"

    class Options(BaseModel):
        """Options of a file source: which files of a folder to read."""

        model_config = ConfigDict(extra="forbid", frozen=True)
        pattern: str = "*"
        recursive: bool = False

    def documents(self, source: SourceConfig, ctx: SourceContext) -> Iterator[Document]:
        """Yield one Document per readable file; a bad file is logged and skipped."""
        options = self.Options.model_validate(source.options)
        for path in _files(source, ctx.base_dir, options):
            try:
                yield read_file(path, source.id, ctx.now)
            except (OSError, ValueError) as exc:
                ctx.failed(str(path), f"skipped: {exc}")  # counted as failed in the summary


def read_file(path: Path, source_id: str, now: datetime) -> Document:
    """One file as a Document, with its sidecar or front-matter metadata applied."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES // 2**20} MiB")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ValueError("binary content, not text")
    meta = _sidecar(path)
    content: str | bytes = raw
    if raw.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        front, content = _front_matter(raw, path)
        meta = front | meta
    outlet = meta.get("outlet") or meta.get("source")
    language = meta.get("language")
    extra = {"outlet": str(outlet)} if outlet else {}
    if language:
        extra["language"] = _language(language, path)
    return Document(
        source_id=source_id,
        url=meta.get("url"),
        fetched_at=now,
        content=content,
        content_type=CONTENT_TYPES.get(path.suffix.lower()) or _sniffed_type(raw),
        title=meta.get("title"),
        published=_as_datetime(meta.get("date", meta.get("published")), path),
        author=meta.get("author"),
        path=str(path),
        meta=extra,
    )


def _language(value: Any, path: Path) -> str:
    """A metadata language as a lower-case ISO 639-1 code ("ru", "be"), checked for shape."""
    code = str(value).strip().lower().replace("_", "-").split("-", 1)[0]
    if not (len(code) == 2 and code.isalpha()):
        raise ValueError(f"{path.name}: language '{value}' is not an ISO 639-1 code such as 'ru'")
    return code


def _sniffed_type(raw: bytes) -> str:
    """The type of a file whose suffix says nothing: HTML or plain text, if it is text at all."""
    try:
        text = decode(raw)[0]
    except BinaryContentError:
        raise ValueError("no known suffix and not text (binary content)") from None
    head = text[:2048].lstrip().lower()
    return "text/html" if head.startswith(("<!doctype html", "<html")) else "text/plain"


def _files(source: SourceConfig, base_dir: Path, options: FileSource.Options) -> list[Path]:
    """The files a source names: one file, or the matching files of a folder, sorted."""
    root = Path(source.location).expanduser()
    root = root if root.is_absolute() else base_dir / root
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise SourceError(source.id, f"no such file or folder: {root}")
    found = root.rglob(options.pattern) if options.recursive else root.glob(options.pattern)
    return sorted(p for p in found if p.is_file() and p.suffix.lower() in CONTENT_TYPES)


def _sidecar(path: Path) -> dict[str, Any]:
    """The metadata in `<file>.meta.yaml`, if there is one."""
    side = path.with_name(path.name + SIDECAR)
    if not side.exists():
        return {}
    return _check_meta(yaml.safe_load(side.read_text(encoding="utf-8")) or {}, side)


def _front_matter(raw: bytes, path: Path) -> tuple[dict[str, Any], bytes]:
    """Split `---`-fenced YAML front matter from the body."""
    text = raw.decode("utf-8-sig", errors="replace")
    parts = text.split("\n---", 1)
    if len(parts) < 2:
        return {}, raw
    head = parts[0].removeprefix("---")
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"front matter is not valid YAML: {_yaml_problem(exc)}") from exc
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return _check_meta(meta, path), body.encode("utf-8")


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML error in one line: what is wrong and on which line of the metadata."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} (line {mark.line + 1})" if mark else str(problem)


def _check_meta(meta: Any, where: Path) -> dict[str, Any]:
    """Metadata must be a mapping; keys it does not know are named in a warning and ignored."""
    if not isinstance(meta, dict):
        raise ValueError(f"{where.name}: metadata must be a mapping")
    unknown = sorted(str(k) for k in set(meta) - META_KEYS)
    if unknown:
        known = ", ".join(sorted(META_KEYS))
        log.warning(
            "%s: ignored unknown metadata keys: %s (known: %s)", where, ", ".join(unknown), known
        )
    return {k: v for k, v in meta.items() if k in META_KEYS}


def _as_datetime(value: Any, path: Path) -> datetime | None:
    """A metadata date as an aware datetime; a bare date is taken as 12:00 UTC that day."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(12), tzinfo=UTC)
    try:
        return _as_datetime(datetime.fromisoformat(str(value)), path)
    except ValueError as exc:
        raise ValueError(f"{path.name}: date '{value}' is not an ISO date") from exc
