"""Starting out: `digest init`, `sources add` (feed autodiscovery on a loopback site), OPML import
and export, `digest check` (stores nothing) and `digest config` (secrets masked)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from pytest_httpserver import HTTPServer

from digest.cli.main import main
from digest.errors import ExitCode
from digest.settings.loading import load_settings
from digest.sources.opml import read_opml
from tests.conftest import ROOT

SEED = ROOT / "seeds" / "001_8e7836a4a5bcd670.txt"
PAGE = """<!doctype html><html lang="en"><head><title>Loopback Courier</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Courier feed" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" href="/atom.xml">
</head><body><h1>Loopback Courier</h1></body></html>"""
STORY = (
    "Minsk, 14 January. Lawyers for a detained Belarusian journalist said on Tuesday that the "
    "court in Minsk had again extended her pre-trial detention by three months. Human rights "
    "defenders count her among the political prisoners held in Belarus and called for her "
    "release, while the prosecutor asked for the hearing to be closed to the public. "
) * 3


def feed(base: str, items: int = 3) -> str:
    """An RSS 2.0 feed of `items` full-text entries about Belarus (written for these tests)."""
    entries = "".join(
        f"<item><title>Detention extended, report {n}</title><link>{base}/story/{n}</link>"
        f"<guid>{base}/story/{n}</guid><pubDate>Tue, 14 Jan 2025 1{n}:00:00 +0000</pubDate>"
        f"<description>Report {n}.</description><content:encoded><![CDATA[<p>{STORY}</p>"
        f"<p>{STORY} Report {n}.</p>]]></content:encoded></item>"
        for n in range(1, items + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Loopback Courier</title><link>{base}/</link><language>ru-RU</language>"
        f"<description>News</description>{entries}</channel></rss>"
    )


def init(tmp_path: Path) -> Path:
    """A new digest folder from `digest init`; returns its sources.yaml."""
    folder = tmp_path / "review"
    assert main(["init", str(folder)]) == 0
    return folder / "sources.yaml"


def serve_site(server: HTTPServer) -> str:
    """The loopback site: a home page naming its feed, and the feed."""
    base = server.url_for("").rstrip("/")
    server.expect_request("/").respond_with_data(PAGE, content_type="text/html")
    body = feed(base)
    server.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")
    return base


def test_init_writes_a_working_commented_config_and_never_overwrites(tmp_path, capsys):
    config = init(tmp_path)
    text = config.read_text(encoding="utf-8")
    settings = load_settings(config)
    assert [s.id for s in settings.sections] == [
        "military", "political", "human_rights", "propaganda"
    ]  # fmt: skip
    assert [(s.id, s.kind) for s in settings.sources] == [("inbox", "file")]
    assert (config.parent / "inbox").is_dir() and (config.parent / "out").is_dir()
    for kind in ("kind: rss", "kind: web", "kind: telegram", "link: false", "# delivery:"):
        assert f"# {kind}" in text or kind in text, kind
    capsys.readouterr()
    config.write_text(text + "# mine\n", encoding="utf-8")
    assert main(["init", str(config.parent)]) == ExitCode.USAGE
    assert "already exists" in capsys.readouterr().err
    assert config.read_text(encoding="utf-8").endswith("# mine\n")


def test_sources_add_finds_the_feed_of_a_page_and_keeps_the_comments(server, tmp_path, capsys):
    base = serve_site(server)
    config = init(tmp_path)
    before = config.read_text(encoding="utf-8")
    assert main(["-c", str(config), "sources", "add", base + "/", "--no-link"]) == 0
    out = capsys.readouterr().out
    assert f"found the feed {base}/feed.xml on {base}/" in out
    after = config.read_text(encoding="utf-8")
    kept = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert all(line in after.splitlines() for line in kept)  # every comment is still there
    added = load_settings(config).sources[-1]
    assert added.location == f"{base}/feed.xml" and added.kind == "rss"
    assert added.name == "Loopback Courier" and added.language == "ru" and not added.link
    assert added.id in out and f"digest check {added.id}" in out
    # the entry sits in the sources list, before the commented examples that follow it
    assert after.index(f"location: {base}/feed.xml") < after.index("# - id: example-news")
    # the same feed again is refused, and the file is left as it was
    assert main(["-c", str(config), "sources", "add", base + "/feed.xml"]) == ExitCode.USAGE
    assert "already configured" in capsys.readouterr().err
    assert config.read_text(encoding="utf-8") == after


def test_sources_add_takes_a_feed_url_as_it_is(server, tmp_path):
    base = serve_site(server)
    config = init(tmp_path)
    args = ["sources", "add", base + "/feed.xml", "--id", "courier", "--language", "en"]
    assert main([*args, "-c", str(config)]) == 0
    added = load_settings(config).source("courier")
    assert added.location == base + "/feed.xml" and added.language == "en" and added.link


def test_a_page_without_a_feed_or_a_bad_entry_leaves_the_file_unchanged(server, tmp_path, capsys):
    server.expect_request("/plain").respond_with_data(
        "<html><p>hi</p></html>", content_type="text/html"
    )
    base = serve_site(server)
    config = init(tmp_path)
    before = config.read_bytes()
    assert main(["sources", "add", base + "/plain", "-c", str(config)]) == ExitCode.FAILURE
    assert "no feed found" in capsys.readouterr().err
    assert main(["sources", "add", base + "/", "--id", "Not An Id", "-c", str(config)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("digest: e")]
    assert len(err) == 1 and "sources[1].id" in err[0]
    assert config.read_bytes() == before
    assert not list(config.parent.glob(".sources.yaml.*"))  # no temporary file left behind


def test_sources_add_obeys_robots_txt(httpserver_ipv4, tmp_path, capsys):
    httpserver_ipv4.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private\n", content_type="text/plain"
    )
    httpserver_ipv4.expect_request("/private/").respond_with_data(PAGE, content_type="text/html")
    config = init(tmp_path)
    url = httpserver_ipv4.url_for("/private/")
    assert main(["sources", "add", url, "-c", str(config)]) == ExitCode.FAILURE
    assert "robots" in capsys.readouterr().err
    assert [s.id for s in load_settings(config).sources] == ["inbox"]


def test_opml_export_then_import_round_trip(server, tmp_path, capsys):
    base = serve_site(server)
    first = init(tmp_path / "a")
    assert (
        main(["sources", "add", base + "/", "--no-link", "--id", "courier", "-c", str(first)]) == 0
    )
    other = (
        f"  - id: vecherny\n    kind: rss\n    location: {base}/other.xml\n"
        "    name: Вечерний курьер\n    language: be\n    enabled: false\n"
    )
    text = first.read_text(encoding="utf-8").replace(
        "    link: true\n", "    link: true\n" + other, 1
    )
    first.write_text(text, encoding="utf-8")
    opml = tmp_path / "feeds.opml"
    assert main(["sources", "export", str(opml), "-c", str(first)]) == 0
    feeds = read_opml(opml)
    assert {(f.xml_url, f.name, f.link, f.enabled) for f in feeds} == {
        (f"{base}/feed.xml", "Loopback Courier", False, True),
        (f"{base}/other.xml", "Вечерний курьер", True, False),
    }
    second = init(tmp_path / "b")
    capsys.readouterr()
    assert main(["sources", "import", str(opml), "-c", str(second)]) == 0
    assert "imported 2 feeds" in capsys.readouterr().out
    exported = {s.location: s for s in load_settings(first).sources if s.kind == "rss"}
    imported = {s.location: s for s in load_settings(second).sources if s.kind == "rss"}
    assert exported.keys() == imported.keys()
    for location, src in exported.items():
        twin = imported[location]
        assert (twin.name, twin.language, twin.link, twin.enabled) == (
            src.name, src.language, src.link, src.enabled
        )  # fmt: skip
    # importing again adds nothing; the export to stdout is an OPML 2.0 document
    assert main(["sources", "import", str(opml), "-c", str(second)]) == 0
    assert "imported 0 feeds into" in capsys.readouterr().out
    assert main(["sources", "export", "-c", str(second)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("<?xml") and 'version="2.0"' in printed and "</opml>" in printed


def test_an_opml_file_with_entity_expansion_is_refused(tmp_path, capsys):
    bomb = tmp_path / "bomb.opml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<opml version="2.0"><body><outline text="&b;" xmlUrl="http://127.0.0.1/x"/></body></opml>',
        encoding="utf-8",
    )
    config = init(tmp_path)
    assert main(["sources", "import", str(bomb), "-c", str(config)]) == ExitCode.USAGE
    assert "not a readable OPML file" in capsys.readouterr().err
    assert [s.id for s in load_settings(config).sources] == ["inbox"]


def test_check_prints_what_would_be_stored_and_stores_nothing(server, tmp_path, capsys):
    base = serve_site(server)
    config = init(tmp_path)
    text = config.read_text(encoding="utf-8")
    entry = (
        f"  - id: courier\n    kind: rss\n    location: {base}/feed.xml\n    name: Courier\n"
        "    enabled: false\n    options: {full_text: never}\n"
    )
    text = text.replace("    link: true\n", "    link: true\n" + entry, 1)
    config.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "courier", "-c", str(config)]) == 0
    out = capsys.readouterr().out
    assert "1. Detention extended, report 1" in out and "2. Detention extended, report 2" in out
    assert "report 3" not in out  # --items 2 by default
    assert "date:     2025-01-14T11:00:00+00:00" in out
    assert "language: en" in out
    assert "label:    human_rights " in out and "on topic" in out
    assert "text:     Minsk, 14 January. Lawyers" in out
    assert "nothing was stored" in out
    assert not (config.parent / "digest.db").exists()  # no database was even created
    shutil.copy(SEED, config.parent / "inbox" / SEED.name)
    assert main(["check", "inbox", "--items", "1", "-c", str(config)]) == 0
    assert not (config.parent / "digest.db").exists()


def test_config_prints_the_effective_settings_with_secrets_masked(tmp_path, capsys):
    config = init(tmp_path)
    text = config.read_text(encoding="utf-8").replace(
        "database: sqlite:///digest.db", "database: postgresql+psycopg://review:s3cret@db/review"
    )
    text += (
        '\ndelivery:\n  sender: "Review <review@example.org>"\n'
        "  smtp: {host: smtp.example.org, username: review-bot, password_env: REVIEW_SMTP}\n"
        "desk:\n  users: [{name: anna, password_hash: 'scrypt$16384$8$1$c2FsdA$aGFzaA'}]\n"
    )
    config.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["config", "-c", str(config)]) == 0
    out = capsys.readouterr().out
    data = yaml.safe_load(out)
    assert data["desk"]["users"][0] == {"name": "anna", "password_hash": "********"}
    assert data["delivery"]["smtp"]["username"] == "review-bot"
    assert data["delivery"]["smtp"]["password_env"] == "REVIEW_SMTP"
    assert data["desk"]["secret_env"] == "DIGEST_DESK_SECRET"
    assert data["database"] == "postgresql+psycopg://review:********@db/review"
    assert data["fetch"]["timeout"] == 20.0  # defaults are filled in
    assert "s3cret" not in out and "c2FsdA" not in out


def test_entries_go_into_the_sources_list_whatever_its_shape(tmp_path):
    from digest.settings.editing import add_sources

    head = "sections: [{id: a, heading: A, order: 1}]\n"
    shapes = {
        "missing": head + "fetch: {timeout: 5}  # keep me\n",
        "empty": head + "sources: []   # none yet\nfetch: {timeout: 5}  # keep me\n",
        "block": head + "sources:\n    - {id: one, kind: file, location: x, name: One}  # first\n"
        "    # a comment about what comes next\nfetch: {timeout: 5}  # keep me\n",
    }
    entry = {"id": "new", "kind": "rss", "location": "https://example.org/f", "name": "New"}
    for shape, text in shapes.items():
        path = tmp_path / f"{shape}.yaml"
        path.write_text(text, encoding="utf-8")
        settings = add_sources(path, [entry], note="added by the test")
        assert settings.source_ids[-1] == "new" and settings.fetch.timeout == 5, shape
        written = path.read_text(encoding="utf-8")
        assert "# keep me" in written and "# added by the test on " in written, shape
    block = (tmp_path / "block.yaml").read_text(encoding="utf-8")
    assert "    - id: new\n" in block  # the list's own indentation
    assert block.index("# first") < block.index("- id: new") < block.index("# a comment about")
