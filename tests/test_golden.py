"""The whole built site against committed expected files (Pelican's functional test): the seeds
ingested and every week built into out/, then each file compared. PDFs are compared by the text
of each page (their bytes depend on the installed fonts); JSON with the time the seeds were read
masked; every other file byte for byte.

After a deliberate change of output: DIGEST_UPDATE_GOLDEN=1 pytest tests/test_golden.py, then
read the diff of tests/golden/ before committing it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from pypdf import PdfReader

from digest.cli.main import main
from tests.conftest import write_config

GOLDEN = Path(__file__).resolve().parent / "golden" / "out"
UPDATE = os.environ.get("DIGEST_UPDATE_GOLDEN") == "1"
READ_TIME = re.compile(rb'"fetched_at": "[^"]*"')


def comparable(path: Path) -> tuple[str, bytes]:
    """The name and content a built file is compared by (a PDF: its pages' text)."""
    if path.suffix == ".pdf":
        pages = [page.extract_text() for page in PdfReader(path).pages]
        text = "".join(f"--- page {n} ---\n{t}\n" for n, t in enumerate(pages, start=1))
        return path.name + ".txt", text.encode("utf-8")
    if path.suffix == ".json":
        return path.name, READ_TIME.sub(b'"fetched_at": "(read time)"', path.read_bytes())
    return path.name, path.read_bytes()


def built_site(tmp_path: Path) -> dict[str, bytes]:
    """Every file the demo commands write, by its path under out/."""
    config = write_config(tmp_path)
    assert main(["ingest", "-q", "-c", str(config)]) == 0
    assert main(["build", "--all", "-q", "-c", str(config)]) == 0
    out = tmp_path / "out"
    site = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name, content = comparable(path)
        site[str(path.parent.relative_to(out) / name)] = content
    return site


def test_the_built_seed_weeks_match_the_expected_files(tmp_path):
    site = built_site(tmp_path)
    assert len(site) >= 10
    if UPDATE:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, content in site.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(content)
    expected = {
        str(p.relative_to(GOLDEN)): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()
    }
    assert sorted(site) == sorted(expected)
    changed = [name for name in site if site[name] != expected[name]]
    assert changed == [], f"built files differ from tests/golden/out: {changed}"
