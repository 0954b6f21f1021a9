"""The PDF renderer, read back: text, outline, contents page numbers, metadata, fonts, safety."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from digest.errors import DigestError
from digest.render import html, pdf
from digest.render.common import TEMPLATES_DIR
from tests.issue_factory import make_issue, make_settings, tiny_png

HEADINGS = [
    "MILITARY DEVELOPMENTS",
    "POLITICAL DEVELOPMENTS",
    "HUMAN RIGHTS SITUATION AND INTERNATIONAL RESPONSE",
    "PROPAGANDA",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A several-page issue (five stories a section) rendered once for the read-back tests."""
    settings = make_settings(tmp_path_factory.mktemp("pdf"))
    rendered = pdf.render(make_issue(per_section=5), settings)
    return rendered, PdfReader(io.BytesIO(rendered.content))


def page_texts(reader: PdfReader) -> list[str]:
    """The extracted text of each page."""
    return [page.extract_text() for page in reader.pages]


def test_text_carries_title_headings_and_both_scripts(built):
    rendered, reader = built
    assert rendered.suffix == ".pdf" and rendered.media_type == "application/pdf"
    text = "\n".join(page_texts(reader))
    assert "Belarus Review — January 20, 2025" in text
    assert "Week under review: January 13–19, 2025" in text
    for heading in HEADINGS:
        assert heading in text
    for word in ("Cichanoŭskaja", "Łukašenka", "Kalieśnikava", "Лукашэнка", "Александр"):
        assert word in text, word
    assert "No developments were recorded" not in text


def test_every_page_says_page_x_of_y_and_carries_the_running_title(built):
    _, reader = built
    texts = page_texts(reader)
    total = len(texts)
    assert total >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        if number > 1:
            assert "Belarus Review — January 20, 2025" in text


def section_start_pages(reader: PdfReader) -> dict[str, int]:
    """For each heading, the 1-based page where it first appears after the contents page."""
    starts = {}
    for number, text in enumerate(page_texts(reader)[1:], start=2):
        for heading in HEADINGS:
            if heading not in starts and re.search(rf"^{re.escape(heading)}$", text, re.M):
                starts[heading] = number
    return starts


def test_outline_has_one_bookmark_per_section_at_its_page(built):
    _, reader = built
    outline = [
        (item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline
    ]
    starts = section_start_pages(reader)
    assert [title for title, _ in outline] == HEADINGS
    assert dict(outline) == starts
    assert len(set(starts.values())) > 1, "the fixture should spread sections over pages"


def test_contents_page_numbers_match_where_sections_start(built):
    _, reader = built
    contents = page_texts(reader)[0]
    listed = {}
    for heading in HEADINGS:
        match = re.search(rf"(\d)\.\s+{re.escape(heading)}[ .]*?(\d+)\s*$", contents, re.M)
        assert match, heading
        listed[heading] = int(match.group(2))
    assert listed == section_start_pages(reader)


def test_metadata_is_fixed_from_the_issue(built):
    _, reader = built
    info = reader.metadata
    assert info.title == "Belarus Review — January 20, 2025"
    assert info.author == "iSANS"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20250120"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_same_input_gives_same_bytes(built, tmp_path):
    rendered, _ = built
    again = pdf.render(make_issue(per_section=5), make_settings(tmp_path))
    assert again.content == rendered.content


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs pdffonts (poppler-utils)")
def test_all_fonts_are_embedded_dejavu(built, tmp_path):
    path = tmp_path / "issue.pdf"
    path.write_bytes(built[0].content)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    fonts = [line.split() for line in rows.stdout.splitlines()[2:] if line.strip()]
    assert fonts
    for row in fonts:
        assert "DejaVu" in row[0], row
        assert row[-5] == "yes", f"not embedded: {row}"


def test_printed_page_links_only_its_stylesheet(tmp_path):
    page = html.page(make_issue(), None, print_stylesheet=pdf.PRINT_STYLESHEET)
    assert '<link rel="stylesheet" href="issue.pdf.css">' in page
    assert (TEMPLATES_DIR / pdf.PRINT_STYLESHEET).is_file()


def test_without_weasyprint_pdf_names_pango_and_html_still_works(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    settings = make_settings(tmp_path)
    with pytest.raises(DigestError, match=r"^PDF output needs Pango \(WeasyPrint\): "):
        pdf.render(make_issue(), settings)
    assert "PROPAGANDA" in html.render(make_issue(), settings).content


def test_logo_from_the_config_folder_is_drawn(tmp_path):
    (tmp_path / "logo.png").write_bytes(tiny_png())
    rendered = pdf.render(make_issue(logo="logo.png"), make_settings(tmp_path))
    first = PdfReader(io.BytesIO(rendered.content)).pages[0]
    assert len(first.images) == 1


def structure_roles(reader: PdfReader) -> list[str]:
    """Every structure element's role in the PDF's tag tree, in document order."""
    roles: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if "/S" in node:
            roles.append(str(node["/S"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return roles


def test_pdf_is_tagged_pdf_ua_with_its_language_and_title(built):
    rendered, reader = built
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert reader.metadata.title == "Belarus Review — January 20, 2025"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in xmp
    roles = structure_roles(reader)
    assert roles.count("/H1") == 1 and roles.count("/H2") == 5  # contents + four sections
    assert {"/L", "/LI", "/P", "/Link"} <= set(roles)
    for page in reader.pages:
        assert page["/Tabs"] == "/S"  # tab order follows the structure
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            assert "/StructParent" in annot and annot.get("/Contents")


def test_pdfinfo_reads_it_as_tagged_with_embedded_fonts(built, tmp_path):
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "issue.pdf"
    path.write_bytes(built[0].content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # the "emb" column
