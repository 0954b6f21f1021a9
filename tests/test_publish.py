"""publish: issue files by ISO week via atomic replace, and the archive index and Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import pytest
from bs4 import BeautifulSoup

from digest.errors import DigestError
from digest.models import Rendered
from digest.publish import write_archive, write_issue
from digest.render import html, jsonout, markdown
from tests.issue_factory import make_issue, make_settings

ATOM = "{http://www.w3.org/2005/Atom}"


def rendered_for(issue, settings) -> dict[str, Rendered]:
    """The quick formats of an issue (the PDF has its own tests)."""
    return {
        "html": html.render(issue, settings),
        "md": markdown.render(issue, settings),
        "json": jsonout.render(issue, settings),
    }


def later_issue():
    """The fixture issue moved one week on, with its propaganda section empty."""
    return replace(
        make_issue(empty=("propaganda",)),
        title="Belarus Review — January 27, 2025",
        week="2025-W04",
        issue_date=date(2025, 1, 27),
        week_start=date(2025, 1, 20),
        week_end=date(2025, 1, 26),
        week_label="January 20–26, 2025",
    )


def test_write_issue_places_files_by_week_and_slug(tmp_path):
    settings = make_settings(tmp_path)
    issue = make_issue()
    paths = write_issue(issue, rendered_for(issue, settings), settings)
    folder = tmp_path / "out" / "2025-W03"
    assert paths == [folder / f"belarus-review-2025-01-20{s}" for s in (".html", ".md", ".json")]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths)
    assert paths[1].read_text(encoding="utf-8") == markdown.render(issue, settings).content


def test_binary_content_is_written_as_is(tmp_path):
    settings = make_settings(tmp_path)
    blob = Rendered(b"%PDF-1.7\n\x00\xff", "application/pdf", ".pdf")
    [path] = write_issue(make_issue(), {"pdf": blob}, settings)
    assert path.read_bytes() == b"%PDF-1.7\n\x00\xff"


def test_rerun_with_same_content_leaves_files_untouched(tmp_path):
    settings = make_settings(tmp_path)
    issue = make_issue()
    first = write_issue(issue, rendered_for(issue, settings), settings)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in first}
    second = write_issue(issue, rendered_for(issue, settings), settings)
    assert second == first
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in second} == before


def test_changed_content_replaces_the_file_without_leftovers(tmp_path):
    settings = make_settings(tmp_path)
    issue = make_issue()
    write_issue(issue, rendered_for(issue, settings), settings)
    edited = replace(issue, sign_off="Until next week,\nthe editors")
    [path] = write_issue(edited, {"md": markdown.render(edited, settings)}, settings)
    assert path.read_text(encoding="utf-8").endswith("Until next week,\\\nthe editors\n")
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("week", ["2025-W3", "../etc", "2025-W54", ""])
def test_a_bad_week_is_refused(tmp_path, week):
    settings = make_settings(tmp_path)
    issue = replace(make_issue(), week=week)
    with pytest.raises(DigestError, match="issue week"):
        write_issue(issue, rendered_for(issue, settings), settings)
    assert not (tmp_path / "out").exists()


def test_a_bad_suffix_is_refused(tmp_path):
    settings = make_settings(tmp_path)
    bad = Rendered("x", "text/plain", "/../../x")
    with pytest.raises(DigestError, match="unusable file suffix"):
        write_issue(make_issue(), {"odd": bad}, settings)


def build_two(settings) -> None:
    """Publish the fixture issue and the one a week later."""
    for issue in (make_issue(), later_issue()):
        write_issue(issue, rendered_for(issue, settings), settings)


def test_index_lists_every_issue_newest_first_with_its_files(tmp_path):
    settings = make_settings(tmp_path)
    build_two(settings)
    index, feed = write_archive(settings)
    assert (index, feed) == (tmp_path / "out" / "index.html", tmp_path / "out" / "feed.xml")
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    titles = [li.strong.get_text() for li in soup.find("ol", class_="archive").find_all("li")]
    assert titles == ["Belarus Review — January 27, 2025", "Belarus Review — January 20, 2025"]
    first = soup.find("ol", class_="archive").li
    hrefs = [a["href"] for a in first.find(class_="formats").find_all("a")]
    assert hrefs == [f"2025-W04/belarus-review-2025-01-27{s}" for s in (".html", ".md", ".json")]
    assert all((tmp_path / "out" / h).is_file() for h in hrefs)
    assert soup.html["lang"] == "en" and soup.find("script") is None


def test_feed_is_atom_with_one_entry_per_issue(tmp_path):
    settings = make_settings(tmp_path)
    build_two(settings)
    _, feed = write_archive(settings, {"2025-W03", "2025-W04"})
    root = ET.parse(feed).getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}updated").text == "2025-01-27T00:00:00+03:00"
    entries = root.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert ids == ["urn:digest:belarus-review-2025-01-27", "urn:digest:belarus-review-2025-01-20"]
    link = entries[1].find(f"{ATOM}link[@rel='alternate']")
    assert link.get("href") == "2025-W03/belarus-review-2025-01-20.html"
    assert "Propaganda (0)" in entries[0].find(f"{ATOM}summary").text


def test_archive_rerun_gives_identical_bytes(tmp_path):
    settings = make_settings(tmp_path)
    build_two(settings)
    first = [p.read_bytes() for p in write_archive(settings)]
    assert [p.read_bytes() for p in write_archive(settings)] == first


def test_archive_of_nothing_says_so(tmp_path):
    index, feed = write_archive(make_settings(tmp_path))
    assert "No issues have been built yet." in index.read_text(encoding="utf-8")
    assert ET.parse(feed).getroot().findall(f"{ATOM}entry") == []


def test_a_broken_issue_file_is_named(tmp_path):
    settings = make_settings(tmp_path)
    build_two(settings)
    broken = tmp_path / "out" / "2025-W03" / "belarus-review-2025-01-20.json"
    broken.write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(DigestError, match=r"belarus-review-2025-01-20\.json: not a readable"):
        write_archive(settings)


def one_story_issue():
    """The later issue cut down to a single story."""
    issue = later_issue()
    first = issue.sections[0]
    sections = (replace(first, stories=first.stories[:1]),) + tuple(
        replace(s, stories=()) for s in issue.sections[1:]
    )
    return replace(issue, sections=sections)


def test_index_puts_published_issues_apart_from_drafts_and_counts_in_words(tmp_path):
    settings = make_settings(tmp_path)
    for issue in (make_issue(), one_story_issue()):
        write_issue(issue, rendered_for(issue, settings), settings)
    index, feed = write_archive(settings, {"2025-W03"})
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    published, drafts = soup.find_all("ol", class_="archive")
    assert published.find_previous("h2").get_text() == "Published issues"
    assert [li.strong.get_text() for li in published.find_all("li")] == [
        "Belarus Review — January 20, 2025"
    ]
    [draft] = drafts.find_all("li")
    assert drafts.find_previous("h2").get_text() == "Drafts"
    assert draft.find(class_="status").get_text() == "Draft"
    assert "· 1 story" in draft.get_text() and "1 stories" not in soup.get_text()
    assert published.find(class_="status") is None
    assert f"· {make_issue().story_count} stories" in published.get_text()
    # the feed lists only what went out
    entries = ET.parse(feed).getroot().findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == ["urn:digest:belarus-review-2025-01-20"]


def test_site_url_makes_every_archive_link_absolute(tmp_path):
    settings = make_settings(tmp_path).model_copy(
        update={"site_url": "https://review.example.org/archive/"}
    )
    build_two(settings)
    index, feed = write_archive(settings, {"2025-W03", "2025-W04"})
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in soup.find("main").find_all("a")]
    assert hrefs and all(h.startswith("https://review.example.org/archive/2025-W0") for h in hrefs)
    assert (
        soup.find("link", rel="alternate")["href"] == "https://review.example.org/archive/feed.xml"
    )
    root = ET.parse(feed).getroot()
    links = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert links[:2] == [
        "https://review.example.org/archive/feed.xml",
        "https://review.example.org/archive/index.html",
    ]
    assert "https://review.example.org/archive/2025-W03/belarus-review-2025-01-20.html" in links


def test_feed_with_site_url_opens_in_feedparser(tmp_path):
    import feedparser

    settings = make_settings(tmp_path).model_copy(update={"site_url": "https://review.example.org"})
    build_two(settings)
    _, feed = write_archive(settings, {"2025-W03"})
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo
    [entry] = parsed.entries
    assert entry.link == "https://review.example.org/2025-W03/belarus-review-2025-01-20.html"
