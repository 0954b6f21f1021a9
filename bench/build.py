"""A whole `digest build --week 2025-W03` against a bare WeasyPrint render of the same HTML.

Run: .venv/bin/python bench/build.py [--repeat 3]
Both run as fresh processes (interpreter start and imports included), alternately, so that
machine load hits both alike; the median wall and CPU (user+sys) times are printed, and their
ratios. The target is a build within 1.2 times the bare render.

The build lays its PDF out in a worker process that loads WeasyPrint while the parent reads
the store and composes the week: with two cores the wall time overlaps, the CPU time does not.
--one-core pins both commands (and their children) to one core, where nothing overlaps.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import write_config  # noqa: E402

WEEK = "2025-W03"
BARE = """
import sys, weasyprint
page = open(sys.argv[1], encoding="utf-8").read()
weasyprint.HTML(string=page, base_url=sys.argv[2]).write_pdf(sys.argv[3])
"""


def run_timed(argv: list[str], cores: set[int] | None = None) -> tuple[float, float]:
    """Run a command to completion (on these cores only); (wall seconds, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    pin = (lambda: os.sched_setaffinity(0, cores)) if cores else None
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, preexec_fn=pin)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def prepare(folder: Path) -> tuple[Path, Path]:
    """The seeds ingested into a fresh store, a first build done; (config, the PDF's HTML)."""
    from digest import pipeline
    from digest.render import pdf
    from digest.settings.loading import load_settings
    from digest.weeks import parse_week

    config = write_config(folder)
    digest = [sys.executable, "-m", "digest.cli.main"]
    subprocess.run([*digest, "ingest", "-q", "-c", str(config)], check=True)
    subprocess.run([*digest, "classify", "-q", "-c", str(config)], check=True)
    settings = load_settings(str(config))
    issue = pipeline.issue_for_week(settings, pipeline.open_store(settings), parse_week(WEEK))
    page_file = folder / "page.html"
    page_file.write_text(pdf.job(issue, settings).page, encoding="utf-8")  # what the build lays out
    return config, page_file


def main() -> None:
    """Print the build's and the bare render's median times and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median)")
    parser.add_argument("--one-core", action="store_true", help="pin both to one core")
    args = parser.parse_args()
    cores = {min(os.sched_getaffinity(0))} if args.one_core else None
    from digest.render.common import TEMPLATES_DIR

    folder = Path(tempfile.mkdtemp(prefix="bench-build-"))
    config, page = prepare(folder)
    build = [sys.executable, "-m", "digest.cli.main", "build", "-q", "-c", str(config)]
    build += ["--week", WEEK]
    bare = [sys.executable, "-c", BARE, str(page), TEMPLATES_DIR.as_uri() + "/"]
    bare.append(str(folder / "bare.pdf"))
    run_timed(build)  # warm the file cache and the compiled modules
    ours, theirs = [], []
    for _ in range(args.repeat):
        ours.append(run_timed(build, cores))
        theirs.append(run_timed(bare, cores))
    wall_b, cpu_b = (statistics.median(x[k] for x in ours) for k in (0, 1))
    wall_w, cpu_w = (statistics.median(x[k] for x in theirs) for k in (0, 1))
    print(f"digest build --week {WEEK}: {wall_b:.2f} s wall, {cpu_b:.2f} s CPU")
    print(f"bare WeasyPrint, same HTML:   {wall_w:.2f} s wall, {cpu_w:.2f} s CPU")
    where = "one core" if cores else f"{len(os.sched_getaffinity(0))} cores"
    print(f"ratio build/bare ({where}): {wall_b / wall_w:.2f} wall, {cpu_b / cpu_w:.2f} CPU")
    print("target: within 1.2")


if __name__ == "__main__":
    main()
