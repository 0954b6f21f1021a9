"""The command line: help everywhere, one-line errors, and the seeds built into a real PDF."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from digest.cli.main import cli, main
from tests.conftest import write_config

HEADINGS = (
    "MILITARY DEVELOPMENTS",
    "POLITICAL DEVELOPMENTS",
    "HUMAN RIGHTS SITUATION AND INTERNATIONAL RESPONSE",
    "PROPAGANDA",
)


def digest(*args: str) -> int:
    return main(list(args))


def test_every_command_has_help_ending_with_an_example(capsys):
    for name, command in cli.commands.items():
        assert digest(name, "--help") == 0, name
        text = capsys.readouterr().out
        assert "Example: digest " in text, f"{name} --help has no example"
        assert command.help


def test_a_bad_config_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sections: []\nsources:\n  - {id: a, kind: rs, location: x, name: A}\n")
    assert digest("sources", "-c", str(bad)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("digest: error: ")
    assert any("bad.yaml:3: sources[0].kind: unknown kind 'rs'" in line for line in err)


def test_build_needs_exactly_one_week_choice(tmp_path, capsys):
    config = write_config(tmp_path)
    assert digest("build", "-c", str(config)) == 2
    assert "exactly one of --week" in capsys.readouterr().err
    assert digest("build", "-c", str(config), "--date", "2025-01-17") == 2
    assert "is a Friday" in capsys.readouterr().err


def test_seeds_to_pdf_end_to_end(tmp_path, capsys):
    config = write_config(tmp_path)
    assert digest("ingest", "-q", "-c", str(config)) == 0
    assert digest("build", "-c", str(config), "--date", "2025-01-20") == 0
    printed = capsys.readouterr().out.split()
    pdf = next(Path(p) for p in printed if p.endswith(".pdf"))
    assert pdf.parent.name == "2025-W03" and pdf.exists()
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Belarus Review — January 20, 2025" in text
    for heading in HEADINGS:
        assert heading in text
    assert {p.rsplit(".", 1)[-1] for p in printed if "2025-W03" in p} >= {
        "html",
        "pdf",
        "md",
        "epub",
    }


def test_rebuild_gives_identical_files(tmp_path, capsys):
    config = write_config(tmp_path)
    digest("ingest", "-q", "-c", str(config))
    digest("build", "-c", str(config), "--week", "2025-W03")
    paths = [Path(p) for p in capsys.readouterr().out.split() if "2025-W03" in p]
    assert {p.suffix for p in paths} >= {".html", ".pdf", ".md", ".json", ".epub"}
    before = {p: p.read_bytes() for p in paths}
    digest("build", "-c", str(config), "--week", "2025-W03")
    assert {p: p.read_bytes() for p in paths} == before


def test_sources_lists_counts(tmp_path, capsys):
    config = write_config(tmp_path)
    digest("ingest", "-q", "-c", str(config))
    assert digest("sources", "-c", str(config)) == 0
    assert re.search(r"seeds .* 41", capsys.readouterr().out)


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]])
def test_console_script_is_installed(args):
    script = Path(sys.executable).parent / "digest"
    done = subprocess.run([str(script), *args], capture_output=True, text=True)
    assert done.returncode == 0 and "Usage: digest" in done.stdout


def test_an_empty_week_is_refused_and_never_listed(tmp_path, capsys):
    """2030-W01 has nothing stored: refused in one line; --allow-empty builds it, unlisted."""
    config = write_config(tmp_path)
    out = tmp_path / "out"
    assert digest("ingest", "-q", "-c", str(config)) == 0
    assert digest("build", "-c", str(config), "--week", "2030-W01") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("digest: error: the 2030-W01 issue would be empty")
    assert not (out / "2030-W01").exists() and not (out / "index.html").exists()
    assert digest("build", "-q", "-c", str(config), "--week", "2030-W01", "--allow-empty") == 0
    assert (out / "2030-W01" / "belarus-review-2030-01-07.json").is_file()
    assert digest("build", "-q", "-c", str(config), "--week", "2025-W03", "-f", "json") == 0
    capsys.readouterr()
    index = (out / "index.html").read_text(encoding="utf-8")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "January 20, 2025" in index  # a draft: the feed lists published issues only
    assert "2030" not in index and "2030" not in feed and "0 stories" not in index


def test_build_all_skips_weeks_without_stories(tmp_path, capsys):
    """--all builds the weeks with stories and leaves out a week whose items are all excluded."""
    from sqlalchemy import update

    from digest.settings.loading import load_settings
    from digest.store import Store
    from digest.store.tables import items

    config = write_config(tmp_path)
    assert digest("ingest", "-q", "-c", str(config)) == 0
    store = Store(load_settings(str(config)).database_url)
    with store.engine.begin() as conn:  # every item of 2025-W50 excluded by the editor
        conn.execute(update(items).where(items.c.issue_week == "2025-W50").values(excluded=True))
        conn.execute(update(items).where(items.c.published >= "2025-12-01").values(excluded=True))
    store.close()
    assert digest("build", "-c", str(config), "--all", "-f", "json") == 0
    built = sorted(p.parent.name for p in (tmp_path / "out").glob("*/*.json"))
    assert "2025-W03" in built and "2025-W50" not in built


def test_remove_takes_an_issue_out_of_the_archive_and_feed(tmp_path, capsys):
    """`digest remove --week W` deletes out/W/ and rewrites index and feed without it."""
    config = write_config(tmp_path)
    out = tmp_path / "out"
    assert digest("ingest", "-q", "-c", str(config)) == 0
    assert digest("build", "-q", "-c", str(config), "--week", "2025-W03", "-f", "json") == 0
    assert "2025-W03/belarus-review-2025-01-20" in (out / "index.html").read_text("utf-8")
    capsys.readouterr()
    assert digest("remove", "-c", str(config), "--week", "2025-W03") == 0
    printed = capsys.readouterr().out
    assert "belarus-review-2025-01-20.json" in printed
    assert not (out / "2025-W03").exists()
    assert "2025-W03" not in (out / "index.html").read_text("utf-8")
    assert "2025-W03" not in (out / "feed.xml").read_text("utf-8")
    assert digest("remove", "-c", str(config), "--week", "2025-W03") == 1
    assert "no built issue of 2025-W03" in capsys.readouterr().err
