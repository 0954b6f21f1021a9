"""The EPUB: read back with zipfile and an XML parser, and checked by epubcheck when installed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from digest.render import FORMATS, epub
from tests.issue_factory import hostile_issue, make_issue, make_settings

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


def book(issue=None) -> zipfile.ZipFile:
    """The issue's EPUB opened as a zip."""
    content = FORMATS["epub"](issue or make_issue(), make_settings(Path("."))).content
    return zipfile.ZipFile(io.BytesIO(content))


def test_mimetype_comes_first_uncompressed_and_the_container_names_the_package():
    with book() as zf:
        first = zf.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert zf.read("mimetype") == b"application/epub+zip"
        container = ET.fromstring(zf.read("META-INF/container.xml"))
        [rootfile] = container.iter("{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
        assert rootfile.get("full-path") == "EPUB/content.opf"


def test_the_package_lists_every_file_and_reads_them_in_issue_order():
    issue = make_issue()
    with book(issue) as zf:
        opf = ET.fromstring(zf.read("EPUB/content.opf"))
        assert opf.find(f"{OPF}metadata/{DC}title").text == issue.title
        assert opf.find(f"{OPF}metadata/{DC}language").text == "en"
        modified = opf.find(f"{OPF}metadata/{OPF}meta[@property='dcterms:modified']").text
        assert modified == "2025-01-20T00:00:00Z"
        manifest = {i.get("id"): i.get("href") for i in opf.iter(f"{OPF}item")}
        assert all(f"EPUB/{href}" in zf.namelist() for href in manifest.values())
        spine = [manifest[ref.get("idref")] for ref in opf.iter(f"{OPF}itemref")]
        expected = [epub.section_file(s) for s in issue.sections]
        assert spine == ["front.xhtml", *expected, "closing.xhtml"]
        nav_item = next(i for i in opf.iter(f"{OPF}item") if i.get("properties") == "nav")
        assert nav_item.get("href") == "nav.xhtml"


def test_the_navigation_is_the_issues_contents():
    issue = make_issue()
    with book(issue) as zf:
        nav = ET.fromstring(zf.read("EPUB/nav.xhtml"))
        toc = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "toc")
        entries = [(a.text, a.get("href")) for a in toc.iter(f"{XHTML}a")]
        headings = [(f"{s.number}. {s.heading}", epub.section_file(s)) for s in issue.sections]
        assert entries[1:-1] == headings
        ncx = ET.fromstring(zf.read("EPUB/toc.ncx"))
        labels = [t.text for t in ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}text")]
        assert [h for h, _ in headings] == labels[2:-1]
        first = issue.sections[0]
        page = ET.fromstring(zf.read(f"EPUB/{epub.section_file(first)}"))
        texts = ["".join(p.itertext()) for p in page.iter(f"{XHTML}p")]
        assert first.stories[0].paragraph in texts


def test_the_same_issue_gives_the_same_bytes():
    settings = make_settings(Path("."))
    assert (
        epub.render(make_issue(), settings).content == epub.render(make_issue(), settings).content
    )


def test_hostile_text_stays_text_and_every_page_is_well_formed_xml():
    with book(hostile_issue()) as zf:
        for name in zf.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                ET.fromstring(zf.read(name))  # raises on anything that is not well-formed
        front = zf.read("EPUB/front.xhtml").decode("utf-8")
        assert "<b>" not in front and "&lt;b&gt;Bold" in front
        assert b"<script" not in b"".join(zf.read(n) for n in zf.namelist())


def test_epubcheck_accepts_it(tmp_path):
    if shutil.which("java") is None or not EPUBCHECK.exists():
        if os.environ.get("CI"):
            pytest.fail("epubcheck is missing (apt-get install epubcheck)")
        pytest.skip("epubcheck is not installed (apt-get install epubcheck)")
    for n, issue in enumerate((make_issue(), hostile_issue(), make_issue(empty=("propaganda",)))):
        path = tmp_path / f"issue-{n}.epub"
        path.write_bytes(epub.render(issue, make_settings(Path("."))).content)
        done = subprocess.run(
            ["java", "-jar", str(EPUBCHECK), str(path)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 fatals / 0 errors / 0 warnings" in done.stdout
