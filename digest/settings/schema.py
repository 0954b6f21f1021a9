"""Settings: load sources.yaml once, validate it, and report every mistake with file and line."""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from digest.errors import DigestError
from digest.settings.parts import (  # noqa: F401 - re-exported: the settings' parts
    ID_PATTERN,
    DeliveryConfig,
    DeskConfig,
    DeskUser,
    FetchConfig,
    RecipientConfig,
    ScheduleConfig,
    SmtpConfig,
    TopicConfig,
    _Frozen,
)

DEFAULT_CONFIG = "sources.yaml"


class SectionConfig(_Frozen):
    """One section of the review: id, heading, position and a one-line description."""

    id: str = Field(pattern=ID_PATTERN)
    heading: str = Field(min_length=1)
    order: int
    description: str = ""


class SourceConfig(_Frozen):
    """One source: where to read it, how to name it, and whether it may be linked."""

    id: str = Field(pattern=ID_PATTERN)
    kind: str
    location: str = Field(min_length=1)
    name: str = Field(min_length=1)
    language: str = "en"
    link: bool = True
    domains: tuple[str, ...] = ()
    enabled: bool = True
    focused: bool = False  # the outlet covers only the topic: no need to name it in every item
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        from digest.sources import SOURCES

        if value not in SOURCES:
            raise ValueError(f"unknown kind '{value}' (expected: {', '.join(SOURCES)})")
        return value


class DigestConfig(_Frozen):
    """The digest's identity and branding."""

    title: str = "Belarus Review"
    publisher: str = "iSANS"
    timezone: str = "Europe/Minsk"
    language: str = "en"
    accent_color: str = Field(default="#8b1e2d", pattern=r"^#[0-9a-fA-F]{6}$")
    logo: str | None = None
    editors_note: str = ""
    sign_off: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}'") from exc
        return value


class Settings(_Frozen):
    """The whole validated configuration; one frozen object passed to every stage."""

    digest: DigestConfig = DigestConfig()
    sections: tuple[SectionConfig, ...] = Field(min_length=1)
    database: str = "sqlite:///digest.db"
    output_dir: Path = Path("out")
    model_path: Path | None = None
    sources: tuple[SourceConfig, ...] = ()
    delivery: DeliveryConfig | None = None
    desk: DeskConfig = DeskConfig()
    topic: TopicConfig = TopicConfig()
    fetch: FetchConfig = FetchConfig()
    user_agent: str = "digest/0.1 (weekly briefing digest)"
    base_dir: Path = Path(".")

    @field_validator("sources", mode="before")
    @classmethod
    def _empty_sources(cls, value: Any) -> Any:
        return () if value is None else value

    @model_validator(mode="after")
    def _unique_ids(self) -> Settings:
        for what, ids in (("section", [s.id for s in self.sections]), ("source", self.source_ids)):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} id: {', '.join(dupes)}")
        return self

    @property
    def source_ids(self) -> list[str]:
        """The ids of all configured sources, in file order."""
        return [s.id for s in self.sources]

    @property
    def ordered_sections(self) -> list[SectionConfig]:
        """The sections sorted by their configured order."""
        return sorted(self.sections, key=lambda s: (s.order, s.id))

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The configured time zone as a tzinfo."""
        return zoneinfo.ZoneInfo(self.digest.timezone)

    def source(self, source_id: str) -> SourceConfig:
        """The source with this id, or a DigestError naming it."""
        for src in self.sources:
            if src.id == source_id:
                return src
        raise DigestError(f"no source with id '{source_id}' in the configuration")

    def path(self, value: str | Path) -> Path:
        """A path from the config, resolved against the config file's folder."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    @property
    def database_url(self) -> str:
        """The database URL, with a relative SQLite path resolved against the config folder."""
        m = re.match(r"^sqlite(\+\w+)?:///(?!/)(.+)$", self.database)
        if m and m.group(2) != ":memory:":
            return f"sqlite{m.group(1) or ''}:///{self.path(m.group(2))}"
        return self.database

    @property
    def out_dir(self) -> Path:
        """The output folder, resolved against the config folder."""
        return self.path(self.output_dir)


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
    errors = [_describe(err, lines, path) for err in _option_errors(data)]
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        errors = [_describe(err, lines, path) for err in exc.errors()] + errors
    if errors:
        raise ConfigError("\n".join(errors))
    return settings


def _option_errors(data: dict) -> list[dict]:
    """Errors in each source's `options`, checked by its kind's own model, with full locations."""
    from digest.sources import SOURCES

    found = []
    sources = data.get("sources")
    for n, source in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(source, dict) or source.get("kind") not in SOURCES:
            continue
        options = source.get("options") or {}
        if not isinstance(options, dict):
            continue  # the settings model reports it
        try:
            SOURCES[source["kind"]].Options.model_validate(options)
        except ValidationError as exc:
            found += [err | {"loc": ("sources", n, "options", *err["loc"])} for err in exc.errors()]
    return found


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


def _describe(err: dict, lines: dict, path: Path) -> str:
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


class ConfigError(DigestError):
    """A configuration file that cannot be used; the message lists every mistake."""
