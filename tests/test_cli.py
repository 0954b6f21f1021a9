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
    assert {p.rsplit(".", 1)[-1] for p in printed if "2025-W03" in p} >= {"html", "pdf", "md"}


def test_rebuild_gives_identical_files(tmp_path, capsys):
    config = write_config(tmp_path)
    digest("ingest", "-q", "-c", str(config))
    digest("build", "-c", str(config), "--week", "2025-W03")
    paths = [Path(p) for p in capsys.readouterr().out.split() if "2025-W03" in p]
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
