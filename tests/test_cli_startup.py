"""Start-up: `digest --help` and tab completion import none of the heavy libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("sklearn", "trafilatura", "weasyprint", "sqlalchemy", "httpx", "pydantic", "feedparser",
         "numpy", "rich", "yaml", "alembic", "apscheduler", "starlette", "jinja2")  # fmt: skip
PROBE = """
import json, os, sys
from digest.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def imported(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    """The top-level modules a fresh interpreter holds after running the command line."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
        env=os.environ | (env or {}), timeout=60,
    )  # fmt: skip
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["sources", "add", "--help"]])
def test_help_imports_no_heavy_library(args):
    assert not imported(args) & set(HEAVY)


def test_completion_imports_no_heavy_library_and_completes():
    env = {"_DIGEST_COMPLETE": "bash_complete", "COMP_WORDS": "digest sou", "COMP_CWORD": "1"}
    done = subprocess.run(
        [sys.executable, "-c", "from digest.cli.main import main; main()"],
        capture_output=True, text=True, env=os.environ | env, timeout=60,
    )  # fmt: skip
    assert "plain,sources" in done.stdout.split()
    assert not imported([], env) & set(HEAVY)
