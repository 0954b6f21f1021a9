"""Loading sources.yaml: read it once, validate it against the schema and the registry of source
kinds, and report every mistake at once with file and line.

The file is untrusted input too: it is refused at once above MAX_BYTES, and while it is parsed
the nesting depth, the number of aliases and the size the aliases expand it to are bounded, so an
alias bomb or a deeply nested document fails fast with one line instead of eating memory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from digest.errors import ConfigError, DigestError
from digest.settings import DEFAULT_CONFIG
from digest.settings.schema import Settings, SourceConfig
from digest.sources import SOURCES
from digest.sources.telegram import channel_name

__all__ = ["DEFAULT_CONFIG", "load_settings", "parse_settings"]
MAX_BYTES = 1_000_000  # a config of 1,600 sources is about 300 KB
MAX_DEPTH = 50  # levels of nesting, counting what aliases bring in
MAX_ALIASES = 1_000  # alias uses (`*name`) in one file
MAX_VALUES = 100_000  # mappings, lists and scalars once every alias is expanded
URL_KINDS = ("rss", "web")  # kinds whose location is a web address
_UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f\x7f]")


def load_settings(path: str | Path = DEFAULT_CONFIG) -> Settings:
    """Read and validate a config file; raise ConfigError listing every mistake by line."""
    path = Path(path)
    try:
        with path.open("rb") as handle:  # read no more than the limit, whatever the file says
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such config file") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from exc
    if len(raw) > MAX_BYTES:
        raise ConfigError(_too_big(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
        raise ConfigError(f"{path}:{line}: the config is not UTF-8 text (byte 0x{byte})") from None
    return parse_settings(text, path)


def parse_settings(text: str, path: Path) -> Settings:
    """Validate config text; errors name `file:line: field: message`."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ConfigError(_too_big(path))
    root, data = _parse_yaml(text, path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the config must be a mapping of settings")
    lines = _line_index(root)
    data.setdefault("base_dir", str(path.resolve().parent))
    data.setdefault("config_file", str(path.resolve()))
    own = _option_errors(data) + _location_errors(data) + _duplicate_errors(data, lines)
    errors = [_describe(err, lines, path) for err in own]
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        found = [e for e in exc.errors() if not _is_duplicate_summary(e)]
        errors = [_describe(err, lines, path) for err in found] + errors
    if errors:
        raise ConfigError("\n".join(sorted(errors, key=_line_of)))
    return settings


def _too_big(path: Path) -> str:
    """The one-line refusal of a file over the size limit."""
    size = f"{MAX_BYTES // 1_000_000} MB"
    return f"{path}: the config file is larger than {size}; refusing to read it"


class _Bounds:
    """Counts nesting depth, values and alias uses while the tree is composed; refuses past limits.

    Mixed in before yaml's Composer, whose compose_node it wraps.
    """

    depth = 0
    aliases = 0
    values = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        """Compose one node, refusing once the nesting, values or aliases are over their limit."""
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Refused(event, f"more than {MAX_ALIASES} aliases; refusing to expand them")
            return super().compose_node(parent, index)  # type: ignore[misc]
        self.depth += 1
        self.values += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(event, _TOO_DEEP)
            if self.values > MAX_VALUES:
                raise _Refused(event, f"the config holds more than {MAX_VALUES} values")
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self.depth -= 1


class _PureLoader(_Bounds, yaml.SafeLoader):
    """The pure-Python safe loader with the bounds; the scanner also stops deep `[`/`{` early."""

    def fetch_flow_collection_start(self, token_class: type) -> None:
        """Refuse `[` or `{` nested past the limit while scanning, before the nesting costs time."""
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(self.get_mark(), _TOO_DEEP)
        super().fetch_flow_collection_start(token_class)


def _loader(text: str) -> _Bounds:
    """A bounded safe loader: libyaml's parser (about ten times faster) when PyYAML has it."""
    try:
        from yaml.cyaml import CParser  # type: ignore[attr-defined]
    except ImportError:
        return _PureLoader(text)

    class _FastLoader(_Bounds, Composer, CParser, SafeConstructor, Resolver):
        """libyaml's events, composed in Python (so the bounds apply) and safely constructed."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return _FastLoader(text)


_TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"


class _Refused(Exception):
    """A limit the document broke, at the event, node or mark where it did."""

    def __init__(self, at: object, message: str) -> None:
        super().__init__(message)
        line = getattr(getattr(at, "start_mark", at), "line", None)
        self.line = line + 1 if isinstance(line, int) else 1
        self.message = message


def _parse_yaml(text: str, path: Path) -> tuple[yaml.Node | None, object]:
    """The document's node tree and its data, within the limits; ConfigError with a line if not."""
    loader: Any = _loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_expansion(root, aliased=loader.aliases > 0)
        _check_duplicate_keys(root)
        return root, loader.construct_document(root)
    except _Refused as exc:
        raise ConfigError(f"{path}:{exc.line}: {exc.message}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        if "maximum nesting depth" in problem:  # libyaml's own limit, met while scanning ahead
            raise ConfigError(f"{path}:{line}: {_TOO_DEEP}") from None
        context = getattr(exc, "context", None)
        problem = f"{context}, {problem}" if context and problem != str(exc) else problem
        raise ConfigError(f"{path}:{line}: invalid YAML: {problem}") from None
    except RecursionError:  # the limits above should make this unreachable; never a traceback
        raise ConfigError(f"{path}:1: nested too deeply") from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, aliased: bool) -> None:
    """Refuse a tree that aliases make too big, too deep, or make contain itself.

    Each distinct node is measured once (aliases share nodes), so this takes time in proportion
    to the text, not to what a bomb would expand to.
    """
    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth) once expanded
    open_ids: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in measured:
            continue
        children = _children(node)
        if not children_done:
            if id(node) in open_ids:
                raise _Refused(node, "an alias refers to the value that contains it")
            open_ids.add(id(node))
            stack.append((node, True))
            for child in children:
                if id(child) in open_ids:
                    raise _Refused(child, "an alias refers to the value that contains it")
                if id(child) not in measured:
                    stack.append((child, False))
            continue
        open_ids.discard(id(node))
        values = 1 + sum(measured[id(c)][0] for c in children)
        depth = 1 + max((measured[id(c)][1] for c in children), default=0)
        if values > MAX_VALUES:
            what = "aliases expand the config to" if aliased else "the config holds"
            raise _Refused(node, f"{what} more than {MAX_VALUES} values")
        if depth > MAX_DEPTH:
            raise _Refused(node, _TOO_DEEP)
        measured[id(node)] = (values, depth)


def _children(node: yaml.Node) -> list[yaml.Node]:
    """The nodes directly inside a mapping (keys and values) or a list."""
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_duplicate_keys(root: yaml.Node) -> None:
    """Refuse a mapping that names one key twice (YAML would silently keep the last)."""
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, _value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.value == "<<":
                    continue
                line = key.start_mark.line + 1
                if key.value in first:
                    message = f"duplicate key '{key.value}' (first at line {first[key.value]})"
                    raise _Refused(key, message)
                first[key.value] = line
        stack.extend(_children(node))


def _option_errors(data: dict) -> list[dict[str, Any]]:
    """Each source's kind checked against the registry, and its `options` by the kind's model."""
    found: list[dict[str, Any]] = []
    sources = data.get("sources")
    for n, source in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(source, dict) or not isinstance(source.get("kind"), str):
            continue
        if source["kind"] not in SOURCES:
            found.append(_unknown_kind(n, source["kind"]))
            continue
        options = source.get("options") or {}
        if not isinstance(options, dict):
            continue  # the settings model reports it
        try:
            SOURCES[source["kind"]].Options.model_validate(options)
        except ValidationError as exc:
            found += [
                dict(err) | {"loc": ("sources", n, "options", *err["loc"])} for err in exc.errors()
            ]
    return found


def _location_errors(data: dict) -> list[dict]:
    """Each web source's location (and Telegram base_url) checked as an http(s) address."""
    found: list[dict] = []
    for n, source in _sources(data):
        kind, location = source.get("kind"), source.get("location")
        if not isinstance(location, str) or not location:
            continue  # the settings model reports it
        problem = None
        if kind in URL_KINDS:
            problem = url_problem(location)
        elif kind == "telegram":
            problem = _channel_problem(location)
        if problem:
            found.append(_error(("sources", n, "location"), problem))
        options = source.get("options")
        base = options.get("base_url") if kind == "telegram" and isinstance(options, dict) else None
        if isinstance(base, str) and (problem := url_problem(base)):
            found.append(_error(("sources", n, "options", "base_url"), problem))
    return found


def url_problem(url: str) -> str | None:
    """Why a configured address is not an absolute http(s) URL with a host, or None if it is."""
    if _UNSAFE_IN_URL.search(url):
        return f"{url!r} is not a usable URL: it contains spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError as exc:
        return f"{url!r} is not a usable URL: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"scheme '{parts.scheme}'" if parts.scheme else "no scheme"
        return f"{url!r} is not an http(s) URL ({shown}; expected e.g. https://example.org/feed)"
    if not parts.hostname:
        return f"{url!r} has no host name"
    if port == 0:
        return f"{url!r} is not a usable URL: port 0"
    return None


def _channel_problem(location: str) -> str | None:
    """Why a Telegram location is not a channel name, @name or t.me URL, or None."""
    probe = SourceConfig.model_construct(id="config", location=location)
    try:
        channel_name(probe)
    except DigestError:
        return f"{location!r} is not a Telegram channel name, @name or https://t.me/s/name URL"
    return None


def _duplicate_errors(data: dict, lines: dict) -> list[dict]:
    """Each section or source id used a second time, at the entry that repeats it."""
    found: list[dict] = []
    for key, what in (("sections", "section"), ("sources", "source")):
        entries = data.get(key)
        first: dict[str, int] = {}
        for n, entry in enumerate(entries if isinstance(entries, list) else []):
            ident = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in first:
                where = lines.get((key, first[ident], "id"), lines.get((key, first[ident]), 1))
                message = f"duplicate {what} id: {ident} (first at line {where})"
                found.append(_error((key, n, "id"), message))
            else:
                first[ident] = n
    return found


def _is_duplicate_summary(err: Mapping[str, Any]) -> bool:
    """The model's own whole-file duplicate-id error, replaced by the located ones above."""
    return err["loc"] == () and str(err["msg"]).startswith("Value error, duplicate ")


def _sources(data: dict) -> list[tuple[int, dict]]:
    """The source entries that are mappings, with their position in the list."""
    sources = data.get("sources")
    listed = sources if isinstance(sources, list) else []
    return [(n, s) for n, s in enumerate(listed) if isinstance(s, dict)]


def _error(loc: tuple, message: str) -> dict:
    """An error record in pydantic's shape."""
    return {"loc": loc, "msg": message, "type": "value_error"}


def _line_of(line: str) -> tuple[int, str]:
    """Sort key of a described error: its line number, then its text."""
    parts = line.split(":", 2)
    return (int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0, line)


def _unknown_kind(n: int, kind: str) -> dict[str, Any]:
    """An error record, in pydantic's shape, for a kind that no source class declares."""
    message = f"unknown kind '{kind}' (expected: {', '.join(SOURCES)})"
    return {"loc": ("sources", n, "kind"), "msg": message, "type": "value_error", "input": kind}


def _line_index(node: yaml.Node | None, loc: tuple = (), out: dict | None = None) -> dict:
    """Map each path in the YAML tree, e.g. ('sources', 3, 'kind'), to its 1-based line."""
    out = {} if out is None else out
    if node is None:
        return out
    out[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            out[loc + (key.value,)] = key.start_mark.line + 1
            _line_index(value, loc + (key.value,), out)
            out[loc + (key.value,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _line_index(value, loc + (i,), out)
    return out


def _describe(err: Mapping[str, Any], lines: dict, path: Path) -> str:
    """One error as `file:line: dotted.field: message`."""
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    line = 1
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            line = lines[loc[:cut]]
            break
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = "unknown setting"
    return f"{path}:{line}: {field or '(top)'}: {message}"


def line_index(path: Path) -> dict[tuple, int]:
    """Each setting's 1-based line in a config file, e.g. ('delivery', 'recipients', 2): 31."""
    try:
        return _line_index(yaml.compose(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
