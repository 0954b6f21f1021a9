"""The link policy: link: false outlets are named, never linked, even through text or mirrors."""

import logging
from datetime import UTC, datetime

from digest.compose.policy import blocked_prefixes, enforce, link_allowed, scrub_text
from digest.models import Item, Story
from tests.conftest import make_settings

STATE = """
  - id: state-agency
    kind: rss
    location: https://www.state-agency.example/rss
    name: State agency
    link: false
    domains: [state-mirror.example, "t.me/agency_channel"]
  - id: state-channel
    kind: telegram
    location: first_channel
    name: First channel
    link: false
  - id: independent
    kind: rss
    location: https://independent.example/feed
    name: Independent
"""


def settings(tmp_path):
    return make_settings(tmp_path, STATE)


def test_blocked_prefixes_come_from_domains_and_locations(tmp_path):
    assert set(blocked_prefixes(settings(tmp_path))) == {
        "state-mirror.example",
        "t.me/agency_channel",
        "state-agency.example",
        "t.me/first_channel",
        "t.me/s/first_channel",
    }


def test_mirrors_subdomains_and_channels_are_refused_others_allowed(tmp_path):
    s = settings(tmp_path)
    refused = [
        "https://state-agency.example/news/1",
        "http://m.state-agency.example/news/1",
        "https://www.state-mirror.example/a",
        "https://t.me/agency_channel/123",
        "https://t.me/s/first_channel",
    ]
    assert not any(link_allowed(u, "independent", s) for u in refused)
    assert link_allowed("https://t.me/agency_channel_fans/1", "independent", s)
    assert link_allowed("https://independent.example/story", "independent", s)
    assert link_allowed("https://notstate-agency.example/x", "independent", s)
    assert not link_allowed("https://independent.example/story", "state-agency", s)
    assert not link_allowed("javascript:alert(1)", "independent", s)
    assert not link_allowed("file:///etc/passwd", "independent", s)


def test_urls_inside_text_are_dropped_and_others_kept(tmp_path):
    text = (
        "The agency said so (https://state-agency.example/news/7). "
        "See www.state-mirror.example/x and https://independent.example/a for more."
    )
    cleaned, removed = scrub_text(text, settings(tmp_path))
    assert removed == ["https://state-agency.example/news/7", "www.state-mirror.example/x"]
    assert cleaned == "The agency said so. See and https://independent.example/a for more."


def test_enforce_names_the_item_and_drops_the_link(tmp_path, caplog):
    item = Item(
        source_id="independent",
        url="https://independent.example/a",
        canonical_url="https://independent.example/a",
        title=None,
        text="x",
        published=datetime(2025, 1, 15, tzinfo=UTC),
        date_method="meta",
        content_hash="0" * 64,
        fetched_at=datetime(2025, 1, 15, tzinfo=UTC),
        id=42,
    )
    story = Story("political", None, "Quoted at https://t.me/agency_channel/9 today.", (item,), (),
                  key="i42")  # fmt: skip
    with caplog.at_level(logging.WARNING):
        (checked,) = enforce([story], settings(tmp_path))
    assert checked.paragraph == "Quoted at today."
    assert "story i42 (items 42)" in caplog.text and "t.me/agency_channel/9" in caplog.text
