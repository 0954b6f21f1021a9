"""The file source: files and folders, sidecars and front matter, bad files skipped by name."""

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.errors import SourceError
from digest.settings.loading import parse_settings
from digest.sources.base import SourceContext
from digest.sources.files import FileSource

NOW = datetime(2026, 1, 15, tzinfo=UTC)


def source_for(tmp_path, location, options=""):
    text = (
        "sections:\n  - {id: military, heading: MILITARY DEVELOPMENTS, order: 1}\n"
        f"sources:\n  - {{id: local, kind: file, location: '{location}', name: Local{options}}}\n"
    )
    return parse_settings(text, tmp_path / "sources.yaml").sources[0]


def docs(tmp_path, location=".", options=""):
    ctx = SourceContext(base_dir=tmp_path, now=NOW)
    return list(FileSource().documents(source_for(tmp_path, location, options), ctx))


def test_reads_txt_html_md_and_ignores_other_files(tmp_path):
    (tmp_path / "a.txt").write_text("Plain text article.", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>Page</p>", encoding="utf-8")
    (tmp_path / "c.md").write_text("# Title\n\nBody", encoding="utf-8")
    (tmp_path / "d.pdf").write_bytes(b"%PDF-1.4")
    got = {d.path.rsplit("/", 1)[1]: d.content_type for d in docs(tmp_path)}
    assert got == {"a.txt": "text/plain", "b.html": "text/html", "c.md": "text/markdown"}


def test_sidecar_sets_url_date_source_and_title(tmp_path):
    (tmp_path / "a.txt").write_text("Body.", encoding="utf-8")
    (tmp_path / "a.txt.meta.yaml").write_text(
        "url: https://example.org/a\ndate: 2025-01-16\nsource: Example News\ntitle: The title\n",
        encoding="utf-8",
    )
    (doc,) = docs(tmp_path)
    assert doc.url == "https://example.org/a" and doc.title == "The title"
    assert doc.published == datetime(2025, 1, 16, 12, tzinfo=UTC)
    assert doc.meta == {"outlet": "Example News"} and doc.fetched_at == NOW


def test_front_matter_is_metadata_and_is_removed_from_the_body(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Front\ndate: 2025-01-14T10:30:00+03:00\n---\nThe body.\n", encoding="utf-8"
    )
    (doc,) = docs(tmp_path)
    assert doc.title == "Front" and doc.content == b"The body.\n"
    assert doc.published == datetime(2025, 1, 14, 7, 30, tzinfo=UTC)


def test_sidecar_wins_over_front_matter(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: Front\n---\nBody\n", encoding="utf-8")
    (tmp_path / "a.md.meta.yaml").write_text("title: Sidecar\n", encoding="utf-8")
    assert docs(tmp_path)[0].title == "Sidecar"


def test_bad_files_are_named_and_counted_and_the_rest_still_read(tmp_path, caplog):
    (tmp_path / "good.txt").write_text("Fine.", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK")
    (tmp_path / "meta.txt").write_text("Body.", encoding="utf-8")
    (tmp_path / "meta.txt.meta.yaml").write_text("colour: red\ntitle: Kept\n", encoding="utf-8")
    failed = []
    ctx = SourceContext(base_dir=tmp_path, now=NOW, failed=lambda w, r: failed.append((w, r)))
    with caplog.at_level(logging.WARNING):
        got = {
            d.path.rsplit("/", 1)[1]: d
            for d in FileSource().documents(source_for(tmp_path, "."), ctx)
        }
    assert sorted(got) == ["good.txt", "meta.txt"]  # an unknown key is a warning, not a skip
    assert got["meta.txt"].title == "Kept"
    assert "unknown metadata keys: colour" in caplog.text
    assert [(Path(w).name, r) for w, r in failed] == [
        ("binary.txt", "skipped: binary content, not text")
    ]


def test_front_matter_sets_the_language_and_the_outlet(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Заголовак\nlanguage: BE\noutlet: Наша Ніва\ndate: 2025-01-15\n---\nТэкст.\n",
        encoding="utf-8",
    )
    (doc,) = docs(tmp_path)
    assert doc.meta == {"outlet": "Наша Ніва", "language": "be"}


def test_a_bad_language_code_is_named(tmp_path):
    (tmp_path / "a.md").write_text("---\nlanguage: Russian\n---\nТекст.\n", encoding="utf-8")
    failed = []
    ctx = SourceContext(base_dir=tmp_path, now=NOW, failed=lambda w, r: failed.append(r))
    assert list(FileSource().documents(source_for(tmp_path, "."), ctx)) == []
    assert failed == ["skipped: a.md: language 'Russian' is not an ISO 639-1 code such as 'ru'"]


def test_single_file_and_recursive_folders(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.txt").write_text("Deep.", encoding="utf-8")
    (tmp_path / "top.txt").write_text("Top.", encoding="utf-8")
    assert len(docs(tmp_path)) == 1
    assert len(docs(tmp_path, ".", ", options: {recursive: true}")) == 2
    assert len(docs(tmp_path, "sub/deep.txt")) == 1


def test_a_missing_folder_fails_the_source_with_its_name(tmp_path):
    with pytest.raises(SourceError, match="source 'local': no such file or folder"):
        docs(tmp_path, "nowhere")


def test_a_file_without_a_suffix_is_read_as_text_or_skipped_with_a_reason(tmp_path, caplog):
    from digest.sources.files import read_file

    now = datetime(2025, 1, 15, tzinfo=UTC)
    notes = tmp_path / "NOTES"
    notes.write_text("Minsk, 14 January. The council extended the night buses.", encoding="utf-8")
    assert read_file(notes, "s", now).content_type == "text/plain"
    page = tmp_path / "PAGE"
    page.write_text("<!DOCTYPE html><html><body><p>Hello</p></body></html>", encoding="utf-8")
    assert read_file(page, "s", now).content_type == "text/html"
    image = tmp_path / "IMAGE"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ValueError, match="binary"):
        read_file(image, "s", now)
