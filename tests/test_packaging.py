"""The installed package carries what it needs: a wheel built from the repository, installed into
a fresh virtual environment, builds the demo week from a folder outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEEK = "2025-W03"
CONFIG = """\
digest:
  title: Belarus Review
  publisher: iSANS
  timezone: Europe/Minsk
sections:
  - {id: military, heading: MILITARY DEVELOPMENTS, order: 1}
  - {id: political, heading: POLITICAL DEVELOPMENTS, order: 2}
  - {id: human_rights, heading: HUMAN RIGHTS SITUATION AND INTERNATIONAL RESPONSE, order: 3}
  - {id: propaganda, heading: PROPAGANDA, order: 4}
database: sqlite:///digest.db
output_dir: out
sources:
  - {id: seeds, kind: file, location: seeds, name: Seed documents}
"""


def test_pyproject_lists_every_package():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "digest").rglob("__init__.py")
        if "migrations" not in p.parts
    }
    assert listed == found | {"digest.templates"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding only the built wheel; its dependencies come from this environment."""
    work = tmp_path_factory.mktemp("wheel")
    wheels = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # The dependencies, not digest itself: this environment's site-packages as a plain path.
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    (wheel,) = wheels.glob("digest-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", wheel],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_the_installed_wheel_builds_the_demo_week_outside_the_repository(installed, tmp_path):
    folder = tmp_path / "newsroom"
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    (folder / "sources.yaml").write_text(CONFIG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    digest = installed / "bin" / "digest"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [digest, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300
        )

    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import digest; print(digest.__file__)"],
        cwd=folder, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(installed) in where and str(ROOT) not in where
    assert run("ingest", "-q").returncode == 0
    built = run("build", "--week", WEEK)
    assert built.returncode == 0, built.stderr
    names = {p.name for p in (folder / "out" / WEEK).iterdir()}
    assert {"belarus-review-2025-01-20.html", "belarus-review-2025-01-20.pdf"} <= names
    html = (folder / "out" / WEEK / "belarus-review-2025-01-20.html").read_text(encoding="utf-8")
    assert "MILITARY DEVELOPMENTS" in html and "PROPAGANDA" in html


def test_the_installed_wheel_reads_its_corpus_and_model(installed, tmp_path):
    code = (
        "from digest.label.examples import corpus_examples; "
        "from digest.label.model import load_default; "
        "print(len(corpus_examples()), load_default().meta['n_examples'])"
    )
    done = subprocess.run(
        [installed / "bin" / "python", "-c", code],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    corpus, trained = (int(n) for n in done.stdout.split())
    assert corpus >= 400 and trained >= corpus
