"""The link policy: link: false outlets are named, never linked, even through text or mirrors."""

import logging
from datetime import UTC, datetime

import pytest

from digest.compose.policy import blocked_prefixes, enforce, link_allowed, scrub_text
from digest.errors import DigestError
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


# ------------------------------------------------ the shipped list of regime outlets, by domain

REGIME = [
    "https://president.gov.by/ru/events/x",
    "https://www.sb.by/articles/1.html",
    "https://rg.ru/2025/01/16/a.html",
    "https://iz.ru/1/2",
    "https://www.belta.by/politics/view/1",
    "https://tass.com/world/1",
    "https://sputnikglobe.com/2025/a",
    "https://sputnik.by/news/1",
    "https://poland.news-pravda.com/en/poland/2025/01/16/1.html",
    "https://pravda-en.com/world/1",
    "https://news.pravda-fr.com/a",
]
FREE = [
    "https://www.pravda.com.ua/eng/news/2025/01/16/1/",  # Ukrainska Pravda: independent
    "https://belsat.eu/en/news/1",
    "https://notsb.by/a",
    "https://example.org/rg.ru/quoted-in-a-path",
]


def test_regime_outlets_are_refused_whichever_source_brought_the_report(tmp_path):
    s = settings(tmp_path)
    assert [u for u in REGIME if link_allowed(u, "independent", s)] == []
    assert [u for u in FREE if not link_allowed(u, "independent", s)] == []


def test_the_list_is_extended_and_excepted_in_sources_yaml(tmp_path):
    extra = (
        "\nlink_policy: {forbid: [mirror-of-state.example, '*-kombat.example'],"
        " allow: [rt.com/en/archive]}\n"
    )
    s = make_settings(tmp_path, STATE + extra)
    assert not link_allowed("https://www.mirror-of-state.example/x", "independent", s)
    assert not link_allowed("https://fr.portal-kombat.example/x", "independent", s)
    assert link_allowed("https://rt.com/en/archive/1", "independent", s)
    assert not link_allowed("https://rt.com/news/1", "independent", s)


def test_a_credit_names_a_regime_outlet_but_never_links_it(tmp_path):
    from digest.compose.stories import credit

    s = settings(tmp_path)
    for url in REGIME[:3]:
        got = credit(report(url), s)
        assert got.name == "Reposted" and got.url is None


def report(url: str, **kw) -> Item:
    base = dict(source_id="independent", url=url, canonical_url=url, title=None, text="x",
                published=datetime(2025, 1, 15, tzinfo=UTC), date_method="meta",
                content_hash="0" * 64, fetched_at=datetime(2025, 1, 15, tzinfo=UTC),
                outlet="Reposted", id=7)  # fmt: skip
    return Item(**(base | kw))


def test_urls_of_regime_outlets_inside_a_paragraph_are_dropped(tmp_path):
    text = "Minsk said so (https://www.sb.by/a/1) and https://belsat.eu/en/b agreed."
    cleaned, removed = scrub_text(text, settings(tmp_path))
    assert removed == ["https://www.sb.by/a/1"] and "https://belsat.eu/en/b" in cleaned


def test_lint_lists_every_link_of_a_built_issue_with_its_verdict(tmp_path):
    from digest.compose.policy import lint_folder

    folder = tmp_path / "out" / "2025-W03"
    folder.mkdir(parents=True)
    (folder / "a.html").write_text(
        '<a href="https://belsat.eu/en/x?a=1&amp;b=2">B</a> <a href="https://rg.ru/y">R</a>'
    )
    (folder / "a.md").write_text("[V](https://spring96.org/en/news/1) and https://iz.ru/z.")
    (folder / "a.json").write_text('{"url": "https://pravda-de.com/q"}')
    verdicts = lint_folder(folder, settings(tmp_path))
    got = {(v.file, v.url, v.allowed) for v in verdicts}
    assert got == {
        ("a.html", "https://belsat.eu/en/x?a=1&b=2", True),
        ("a.html", "https://rg.ru/y", False),
        ("a.md", "https://spring96.org/en/news/1", True),
        ("a.md", "https://iz.ru/z", False),
        ("a.json", "https://pravda-de.com/q", False),
    }
    with pytest.raises(DigestError, match="no built issue"):
        lint_folder(tmp_path / "out" / "2025-W09", settings(tmp_path))


def test_build_refuses_to_write_an_issue_that_would_link_a_regime_outlet(tmp_path):
    from dataclasses import replace as change

    from digest.models import Credit
    from digest.pipeline import write_built
    from tests.issue_factory import make_issue

    s = settings(tmp_path)
    issue = make_issue()
    first = issue.sections[0]
    story = change(first.stories[0], credits=(Credit("Izvestia", "https://iz.ru/1"),))
    issue = change(issue, sections=(change(first, stories=(story,)), *issue.sections[1:]))
    with pytest.raises(DigestError, match=r"refusing to write .* https://iz.ru/1"):
        write_built(s, issue, ["html", "md"])
    assert not (s.out_dir / issue.week).exists()


def test_digest_lint_exits_non_zero_on_a_forbidden_link(tmp_path, capsys):
    from digest.cli.main import main as digest
    from tests.conftest import write_config

    config = write_config(tmp_path)
    folder = tmp_path / "out" / "2025-W03"
    folder.mkdir(parents=True)
    page = folder / "belarus-review-2025-01-20.html"
    page.write_text('<a href="https://spring96.org/en/news/1">Viasna</a>')
    assert digest(["lint", "-c", str(config), "--week", "2025-W03"]) == 0
    assert "1 link(s), 0 forbidden" in capsys.readouterr().out
    page.write_text('<a href="https://spring96.org/x">V</a> <a href="https://www.ont.by/n">O</a>')
    assert digest(["lint", "-c", str(config), "--week", "2025-W03"]) == 1
    out = capsys.readouterr().out
    assert "FORBIDDEN" in out and "2 link(s), 1 forbidden" in out
    assert digest(["lint", "-c", str(config), "--week", "2025-W04"]) == 1
    assert "digest: error: no built issue" in capsys.readouterr().err


def test_the_indexed_outlet_lookup_finds_what_a_scan_of_the_list_finds():
    from digest.compose import policy

    outlets = policy.regime_outlets()

    def scan(target: str) -> str | None:
        return next((p for p in outlets if policy._covers(p, target)), None)

    targets = {"example.org/news", "by", "sb.by.example.com", "t.me/s/other", "belta.by.evil.org"}
    for entry in outlets:
        host = entry.split("/")[0].replace("*", "x")
        for form in (host, f"www.{host}", f"news.{host}", f"{host}/a/b", f"x{host}"):
            targets.add(policy._norm(form))
        targets.add(policy._norm(entry.replace("*", "x") + "/story"))
    found = {t: policy._regime_outlet_for(t) for t in sorted(targets)}
    assert found == {t: scan(t) for t in sorted(targets)}
    assert sum(v is not None for v in found.values()) > len(outlets)  # the list is exercised
