"""The JSON renderer: the whole issue as data, ISO dates, stable key order."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from digest.errors import DigestError
from digest.render import jsonout
from tests.issue_factory import make_issue, make_settings


def test_issue_round_trips_as_data(tmp_path):
    rendered = jsonout.render(make_issue(), make_settings(tmp_path))
    assert rendered.suffix == ".json" and rendered.media_type == "application/json"
    doc = json.loads(rendered.content)
    assert doc["format"] == "digest-issue" and doc["version"] == 1
    assert doc["slug"] == "belarus-review-2025-01-20" and doc["story_count"] == 5
    issue = doc["issue"]
    assert issue["issue_date"] == "2025-01-20" and issue["week"] == "2025-W03"
    assert [s["number"] for s in issue["sections"]] == [1, 2, 3, 4]
    story = issue["sections"][3]["stories"][0]
    assert story["date"] == "2025-01-16"
    assert story["credits"] == [{"name": "BelTA", "url": None}]
    assert story["items"][0]["published"] == "2025-01-16T09:00:00+00:00"
    assert "Лукашэнка" in rendered.content  # kept as text, not \u escapes


def test_keys_are_sorted_so_output_is_stable(tmp_path):
    settings = make_settings(tmp_path)
    text = jsonout.render(make_issue(), settings).content
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert jsonout.render(replace(make_issue()), settings).content == text


def test_a_value_json_cannot_hold_is_an_error():
    with pytest.raises(DigestError, match="cannot write a set"):
        jsonout.to_data({"tags": {"a"}})
