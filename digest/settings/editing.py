"""Adding sources to sources.yaml as text, so the file's comments and layout survive.

The new entries go after the last one of the `sources:` list (a comment line above each says
where it came from); the whole new text is validated before anything is written, and it
replaces the file atomically, so a mistake leaves the file as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from digest.errors import ConfigError
from digest.settings.loading import parse_settings
from digest.settings.schema import Settings


def add_sources(path: Path, entries: Sequence[dict[str, Any]], note: str) -> Settings:
    """Append source entries to a config file; validate the whole file first, then replace it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from exc
    new_text = with_sources(text, entries, note, path)
    settings = parse_settings(new_text, path)  # raises ConfigError: nothing is written
    _replace(path, new_text)
    return settings


def with_sources(text: str, entries: Sequence[dict[str, Any]], note: str, path: Path) -> str:
    """The config text with the entries added at the end of its `sources:` block list."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    value = _sources_node(root, path)
    if value is None:  # no `sources:` key at all
        block = _block(entries, note, indent=2)
        return text.rstrip("\n") + "\n\nsources:\n" + block
    if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
        last = _content_end(value.value[-1])
        column = _dash_column(text, value.value[0])
        cut = text.find("\n", last)
        cut = len(text) if cut < 0 else cut
        block = _block(entries, note, indent=column)
        return text[:cut] + "\n" + block.rstrip("\n") + text[cut:]
    empty = (isinstance(value, yaml.SequenceNode) and not value.value) or (
        isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null")
    )
    if not empty:
        line = value.start_mark.line + 1
        raise ConfigError(f"{path}:{line}: sources: write it as a block list to add to it")
    start, end = value.start_mark.index, value.end_mark.index
    block = _block(entries, note, indent=2)
    return text[:start].rstrip(" ") + "\n" + block.rstrip("\n") + text[end:]


def _sources_node(root: yaml.Node | None, path: Path) -> yaml.Node | None:
    """The value node of the top-level `sources` key, or None when there is none."""
    if root is None:
        return None
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{path}:1: the config must be a mapping of settings")
    for key, value in root.value:
        if key.value == "sources":
            return value
    return None


def _content_end(node: yaml.Node) -> int:
    """Where the node's last written value ends (trailing comments and blank lines excluded)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return max(_content_end(v) for _key, v in node.value)
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return max(_content_end(v) for v in node.value)
    return node.end_mark.index


def _dash_column(text: str, first_item: yaml.Node) -> int:
    """The column of the `-` that starts the list's first entry."""
    line_start = text.rfind("\n", 0, first_item.start_mark.index) + 1
    dash = text.find("-", line_start, first_item.start_mark.index)
    return dash - line_start if dash >= 0 else max(first_item.start_mark.column - 2, 0)


def _block(entries: Sequence[dict[str, Any]], note: str, indent: int) -> str:
    """The entries as block YAML list items, each under a comment saying where it came from."""
    pad = " " * indent
    parts = []
    for entry in entries:
        dumped = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=1000)
        lines = [pad + line for line in dumped.splitlines()]
        parts.append(f"{pad}# {note} on {date.today().isoformat()}\n" + "\n".join(lines) + "\n")
    return "".join(parts)


def _replace(path: Path, text: str) -> None:
    """Write the file atomically: a temporary file beside it, then a rename over it."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_source_id(hint: str, taken: Sequence[str]) -> str:
    """A source id from a name or URL (lower case, a-z0-9 and dashes), unique among `taken`."""
    from urllib.parse import urlsplit

    text = hint.strip()
    if "://" in text:
        host = urlsplit(text).hostname or ""
        text = host.removeprefix("www.").rsplit(".", 1)[0] if "." in host else host
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "source"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
