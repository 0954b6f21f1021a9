"""The command line for cron and scripts: documented exit codes, one-line errors whatever the
terminal width, global options before or after the command, -q everywhere, `sources` listing
disabled sources too, and the scheduler's log."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from digest.cli.main import main
from digest.delivery import schedule
from digest.errors import EXIT_CODE_LINES, ExitCode
from tests.conftest import ROOT

SEED = ROOT / "seeds" / "001_8e7836a4a5bcd670.txt"


def started(tmp_path: Path, extra_sources: str = "") -> Path:
    """A folder made by `digest init`, one seed article in its inbox, more sources appended."""
    folder = tmp_path / "desk"
    assert main(["init", "-q", str(folder)]) == 0
    for suffix in ("", ".meta.yaml"):
        shutil.copy(str(SEED) + suffix, folder / "inbox" / (SEED.name + suffix))
    config = folder / "sources.yaml"
    if extra_sources:
        text = config.read_text(encoding="utf-8")
        marker = "    link: true\n"
        text = text.replace(marker, marker + extra_sources, 1)
        config.write_text(text, encoding="utf-8")
    return config


MISSING = """  - id: gone
    kind: file
    location: no-such-folder
    name: Gone
"""
DISABLED = """  - id: resting
    kind: file
    location: no-such-folder
    name: Resting
    enabled: false
"""


def run_digest(*args: str, columns: int = 200, cwd: Path | None = None):
    """The installed console script in a subprocess, with a given terminal width."""
    script = Path(sys.executable).parent / "digest"
    env = os.environ | {"COLUMNS": str(columns), "LINES": "20", "TERM": "xterm"}
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_some_sources_failed_is_exit_3_and_all_failed_is_1(tmp_path, capsys):
    config = started(tmp_path, MISSING)
    assert main(["ingest", "-c", str(config)]) == ExitCode.PARTIAL == 3
    err = capsys.readouterr().err
    assert "digest: error: 1 of 2 sources failed: gone" in err
    assert main(["ingest", "-c", str(config), "--source", "gone"]) == ExitCode.FAILURE == 1
    assert "every source failed (1): gone" in capsys.readouterr().err
    assert main(["ingest", "-c", str(config), "--source", "inbox"]) == 0


def test_bad_input_is_exit_2_on_one_line(tmp_path, capsys):
    config = started(tmp_path)
    cases = [
        ["build", "-c", str(config), "--week", "2025-W77"],
        ["build", "-c", str(config), "--no-such-option"],
        ["review", "-c", str(config)],  # a required option missing
        ["stories", "-c", str(tmp_path / "missing.yaml")],
        ["nonsense"],
    ]
    for args in cases:
        assert main(args) == ExitCode.USAGE, args
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("digest: error: "), (args, lines)


def test_no_command_prints_the_help_and_exits_2(capsys):
    assert main([]) == ExitCode.USAGE
    captured = capsys.readouterr()
    assert captured.out.startswith("Usage: digest") and "Exit codes:" in captured.out
    assert captured.err == ""


def test_an_unsupported_database_names_the_driver_to_install(tmp_path, capsys):
    config = started(tmp_path)
    text = config.read_text(encoding="utf-8").replace(
        "database: sqlite:///digest.db", "database: mysql://review:hunter2@127.0.0.1/review"
    )
    config.write_text(text, encoding="utf-8")
    assert main(["sources", "-c", str(config)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "pip install mysqlclient" in err and "ModuleNotFoundError" not in err
    assert "hunter2" not in err


@pytest.mark.parametrize("columns", [20, 200])
def test_errors_and_warnings_are_one_line_whatever_the_terminal_width(tmp_path, columns):
    config = started(tmp_path, MISSING)
    done = run_digest("ingest", "-c", str(config), columns=columns)
    assert done.returncode == 3, done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith("digest: ") for line in lines), lines
    assert any("no such file or folder" in line and "gone" in line for line in lines)
    long_path = tmp_path / ("a-rather-long-folder-name-" * 4) / "sources.yaml"
    done = run_digest("build", "--last", "-c", str(long_path), columns=columns)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no such config file" in done.stderr


def test_global_options_go_before_or_after_the_command(tmp_path, capsys):
    config = str(started(tmp_path))
    for args in (["-c", config, "sources"], ["sources", "-c", config],
                 ["-c", config, "sources", "list"], ["sources", "list", "-c", config]):  # fmt: skip
        assert main(args) == 0, args
        assert "inbox" in capsys.readouterr().out
    assert main(["-c", config, "send", "--week", "2025-W03", "--dry-run"]) == ExitCode.FAILURE
    assert "delivery is not configured" in capsys.readouterr().err  # -c before send was read
    assert main(["-q", "-c", config, "ingest"]) == 0
    assert main(["-c", config, "-q", "build", "--week", "2025-W03", "--allow-empty"]) == 0
    assert main(["classify", "--all", "-c", config, "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert main(["build", "--week", "2025-W03", "--allow-empty", "-c", config]) == 0
    assert ".html" in capsys.readouterr().out  # without -q the paths are printed


def test_sources_lists_enabled_and_disabled(tmp_path, capsys):
    config = started(tmp_path, DISABLED)
    assert main(["sources", "-c", str(config)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"inbox .* yes .*", out) and re.search(r"resting .* no ", out)
    assert "2 sources, 1 disabled" in out


def test_help_lists_the_exit_codes_as_the_readme_does(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    for code, meaning in EXIT_CODE_LINES:
        assert re.search(rf"^\s+{code}\s+{re.escape(meaning)}$", text, re.M), code
        assert re.search(rf"^\| `{code}` \| {re.escape(meaning)}", section, re.M), code


def test_the_weekly_job_logs_its_start_and_its_outcome(tmp_path, caplog):
    caplog.set_level("INFO", logger=schedule.log.name)
    schedule.weekly_job(str(tmp_path / "missing.yaml"))
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith("weekly run started")
    assert messages[-1].startswith("weekly run failed: ") and "no such config file" in messages[-1]


def test_schedule_writes_its_log_to_a_file(tmp_path):
    config = started(tmp_path)
    text = config.read_text(encoding="utf-8")
    text += '\ndelivery:\n  sender: "Review <review@example.org>"\n'
    config.write_text(text, encoding="utf-8")
    log = tmp_path / "schedule.log"
    script = Path(sys.executable).parent / "digest"
    proc = subprocess.Popen(
        [str(script), "schedule", "--log-file", str(log), "-c", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = proc.stdout.readline()
        assert first.startswith("scheduler started; next run 20"), proc.stderr.read()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "scheduler stopped" in out
    logged = log.read_text(encoding="utf-8")
    stamp = r"^\d{4}-\d\d-\d\d [\d:,]+ INFO digest.delivery.schedule: "
    assert re.search(stamp + "scheduler started; next run 20", logged, re.M), logged
    assert "scheduler stopped" in logged and "received SIGTERM" in logged
