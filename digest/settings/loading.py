"""Loading sources.yaml: read it once, validate it against the schema and the registry of source
kinds, and report every mistake at once with file and line."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from digest.errors import ConfigError
from digest.settings import DEFAULT_CONFIG
from digest.settings.schema import Settings
from digest.sources import SOURCES

__all__ = ["DEFAULT_CONFIG", "load_settings", "parse_settings"]


def load_settings(path: str | Path = DEFAULT_CONFIG) -> Settings:
    """Read and validate a config file; raise ConfigError listing every mistake by line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such config file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from exc
    return parse_settings(text, path)


def parse_settings(text: str, path: Path) -> Settings:
    """Validate config text; errors name `file:line: field: message`."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}:{line}: invalid YAML: {problem}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the config must be a mapping of settings")
    lines = _line_index(root)
    data.setdefault("base_dir", str(path.resolve().parent))
    data.setdefault("config_file", str(path.resolve()))
    errors = [_describe(err, lines, path) for err in _option_errors(data)]
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        errors = [_describe(err, lines, path) for err in exc.errors()] + errors
    if errors:
        raise ConfigError("\n".join(errors))
    return settings


def _option_errors(data: dict) -> list[ErrorDetails]:
    """Each source's kind checked against the registry, and its `options` by the kind's model."""
    found: list[ErrorDetails] = []
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
            found += [err | {"loc": ("sources", n, "options", *err["loc"])} for err in exc.errors()]
    return found


def _unknown_kind(n: int, kind: str) -> ErrorDetails:
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
            out[loc + (key.value,)] = key.start_mark.line + 1
            _line_index(value, loc + (key.value,), out)
            out[loc + (key.value,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _line_index(value, loc + (i,), out)
    return out


def _describe(err: ErrorDetails, lines: dict, path: Path) -> str:
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
