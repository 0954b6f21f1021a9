"""The settings' schema: one frozen Settings object, validated by pydantic (loading.py reads it)."""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from digest.errors import InputError
from digest.settings.parts import (  # noqa: F401 - re-exported: the settings' parts
    ID_PATTERN,
    DeliveryConfig,
    DeskConfig,
    DeskUser,
    FetchConfig,
    GenerateConfig,
    LinkPolicyConfig,
    LLMConfig,
    RecipientConfig,
    ScheduleConfig,
    SmtpConfig,
    TopicConfig,
    TranslateConfig,
    _Frozen,
)


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
    templates_dir: Path | None = None  # the editor's templates, each overriding a shipped one
    sources: tuple[SourceConfig, ...] = ()
    delivery: DeliveryConfig | None = None
    desk: DeskConfig = DeskConfig()
    topic: TopicConfig = TopicConfig()
    fetch: FetchConfig = FetchConfig()
    link_policy: LinkPolicyConfig = LinkPolicyConfig()
    llm: LLMConfig | None = None  # an OpenAI-compatible endpoint (generated paragraphs)
    generate: GenerateConfig = GenerateConfig()
    translate: TranslateConfig | None = None  # stories reported only in other languages
    user_agent: str = "digest/0.1 (weekly briefing digest)"
    site_url: str | None = None  # where out/ is served, e.g. https://review.example.org/
    base_dir: Path = Path(".")
    config_file: Path | None = None  # set by the loader: where recipients' lines are found

    @field_validator("site_url")
    @classmethod
    def _site_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", value.strip()):
            raise ValueError(f"site_url must be an http(s) address without query, got {value!r}")
        return value.strip().rstrip("/") + "/"

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
        """The source with this id, or an InputError naming it."""
        for src in self.sources:
            if src.id == source_id:
                return src
        raise InputError(f"no source with id '{source_id}' in the configuration")

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
