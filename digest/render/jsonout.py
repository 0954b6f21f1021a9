"""The issue as JSON data for other tools: every record field, dates in ISO 8601, stable keys."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Any

from digest.errors import DigestError
from digest.models import Issue, Rendered
from digest.render.common import issue_slug
from digest.settings.schema import Settings

FORMAT = "digest-issue"
VERSION = 1


def to_data(value: Any) -> Any:
    """A record turned into JSON-ready data: dataclasses to dicts, tuples to lists, dates ISO."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise DigestError(f"cannot write a {type(value).__name__} value as JSON")


def document(issue: Issue) -> dict[str, Any]:
    """The JSON document: a small envelope (format, version, slug, counts) around the issue."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "slug": issue_slug(issue),
        "story_count": issue.story_count,
        "issue": to_data(issue),
    }


def render(issue: Issue, settings: Settings) -> Rendered:
    """Render the issue as indented UTF-8 JSON with sorted keys, so equal issues give equal text."""
    text = json.dumps(document(issue), ensure_ascii=False, indent=2, sort_keys=True)
    return Rendered(content=text + "\n", media_type="application/json", suffix=".json")
