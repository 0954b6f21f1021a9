"""The cost of building one week as the store grows: the same 200-item week (and the same eight
weeks before it, which continuity reads) built with 10,000, 100,000 and 1,000,000 stored items.

Run: .venv/bin/python bench/store_growth.py [--sizes 10000,100000,1000000] [--format json ...]
     .venv/bin/python bench/store_growth.py --sizes 20000 --week-items 1000,4000  (growth with
     the week's own items: the same store, a bigger week)
The filler items are older reports (labelled, as `digest classify` leaves them, and a share of
unlabelled ones in Russian, which the model never labels), inserted in bulk with one SQL
statement per chunk. Each build runs in a fresh process; its wall and CPU seconds and peak RSS
are printed, and each size's ratio to the first. The target: flat (ratios near 1).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import write_config  # noqa: E402

WEEK = "2025-W03"
WEEK_START = datetime(2025, 1, 12, 22, 0, tzinfo=UTC)  # Monday 00:00 in Minsk
WEEK_ITEMS = 200
HISTORY_WEEKS = 8
SECTIONS = ("military", "political", "human_rights", "propaganda")
PLACES = "Minsk Hrodna Brest Viciebsk Homiel Mahilioŭ Pinsk Lida Barysaŭ Maladziečna".split()
PEOPLE = "Lukashenka Tsikhanouskaya Khrenin Volfovich Ryzhenkov Golovchenko Karanik".split()
ACTS = (
    "held talks on trade with a delegation from",
    "announced new drills near the border with",
    "sentenced an activist who had criticised",
    "opened a new factory built with loans from",
    "detained journalists who reported on",
    "signed a security agreement with",
    "broadcast a film accusing the opposition of serving",
)
OTHERS = "Russia China Poland Lithuania Ukraine Iran Latvia Venezuela".split()

RUNNER = """
import resource, sys, time
start = time.perf_counter()
from digest.cli.main import main
code = main(sys.argv[1:])
own, worker = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
cpu = own.ru_utime + own.ru_stime + worker.ru_utime + worker.ru_stime  # the PDF worker's too
print(time.perf_counter() - start, cpu, max(own.ru_maxrss, worker.ru_maxrss), file=sys.stderr)
sys.exit(code)
"""


def report_text(rng: random.Random, event: int) -> tuple[str, str]:
    """A made-up report (title, text) of an event; reports of one event share its facts."""
    facts = random.Random(event)
    place, person = facts.choice(PLACES), facts.choice(PEOPLE)
    act, other = facts.choice(ACTS), facts.choice(OTHERS)
    number = facts.randint(12, 4000)
    title = f"{person} in {place}: {act.split()[0]} {other}"
    opening = rng.choice(("On Tuesday", "According to officials", "State media said that"))
    text = (
        f"{opening} {person} {act} {other} in {place}, with {number} people involved. "
        f"The ministry said the step followed earlier contacts with {other}. "
        f"Observers in {rng.choice(PLACES)} said the event number {event} was widely covered "
        f"and that further meetings were {rng.choice(('likely', 'planned', 'uncertain'))}."
    )
    return title, text


def rows(rng: random.Random, start: int, count: int, first: datetime, last: datetime):
    """`count` item rows published between first and last, ids from `start`."""
    span = (last - first).total_seconds()
    for n in range(start, start + count):
        published = first + timedelta(seconds=rng.random() * span)
        event = n // 3  # about three reports an event
        title, text = report_text(rng, event)
        russian = n % 20 == 0  # never labelled: the model reads English only
        yield {
            "id": n,
            "source_id": f"wire{n % 7}",
            "dedup_key": f"https://wire.example.org/{n}",
            "url": f"https://wire.example.org/{n}",
            "canonical_url": f"https://wire.example.org/{n}",
            "outlet": None,
            "title": title,
            "text": text,
            "published": published.replace(tzinfo=None),
            "date_method": "meta",
            "date_note": "",
            "language": "ru" if russian else "en",
            "content_hash": f"{n:064x}",
            "fetched_at": published.replace(tzinfo=None),
            "origin": "article",
            "issue_week": None,
            "section_label": None if russian else SECTIONS[n % 4],
            "section_score": None if russian else 0.5 + (n % 50) / 100,
            "section_override": None,
            "on_topic": True,
            "excluded": False,
        }


def insert(url: str, batch) -> None:
    """Insert rows in chunks of 5,000, one transaction per chunk."""
    from sqlalchemy import create_engine, insert

    from digest.store.tables import items

    engine = create_engine(url)
    chunk: list[dict] = []
    with engine.begin() as conn:
        for row in batch:
            chunk.append(row)
            if len(chunk) == 5000:
                conn.execute(insert(items), chunk)
                chunk = []
        if chunk:
            conn.execute(insert(items), chunk)
    engine.dispose()


def build(config: Path, formats: list[str]) -> tuple[float, float, int]:
    """One `digest build --week` in a fresh process: (wall s, CPU s with the PDF worker's, peak RSS
    in MB of the larger process)."""
    argv = [sys.executable, "-c", RUNNER, "build", "-q", "-c", str(config), "--week", WEEK]
    argv += [a for f in formats for a in ("-f", f)]
    done = subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall, cpu, rss = done.stderr.decode().strip().splitlines()[-1].split()
    return float(wall), float(cpu), int(rss) // 1024


def week_sizes(args: argparse.Namespace, size: int, weeks: list[int]) -> None:
    """Build weeks of growing size over the same history and filler; print time per item."""
    from digest.settings.loading import load_settings
    from digest.store import Store

    results = []
    for count in weeks:
        folder = Path(tempfile.mkdtemp(prefix="bench-week-"))
        config = write_config(folder)
        url = load_settings(str(config)).database_url
        Store(url).close()
        rng = random.Random(11)
        history_start = WEEK_START - timedelta(days=7 * HISTORY_WEEKS)
        insert(url, rows(rng, 1, count, WEEK_START, WEEK_START + timedelta(days=7)))
        insert(url, rows(rng, count + 1, WEEK_ITEMS * HISTORY_WEEKS, history_start, WEEK_START))
        stored = count + WEEK_ITEMS * HISTORY_WEEKS
        old_end = history_start - timedelta(days=1)
        insert(url, rows(rng, stored + 1, size - stored, old_end - timedelta(days=1460), old_end))
        wall, cpu, rss = build(config, args.formats)
        results.append((count, wall, cpu, rss))
        print(f"week of {count:,} items: build {wall:.2f} s wall, {cpu:.2f} s CPU, "
              f"peak RSS {rss} MB", flush=True)  # fmt: skip
    (n0, _, c0, _), (n1, _, c1, _) = results[0], results[-1]
    print(f"{n1:,} vs {n0:,} items (x{n1 / n0:.1f}): CPU x{c1 / c0:.2f}")


def main() -> None:
    """Grow the store step by step and print the build's cost at each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--format", dest="formats", action="append", default=[])
    parser.add_argument("--repeat", type=int, default=1, help="builds at each size (median)")
    parser.add_argument("--week-items", help="instead: build weeks of these sizes (e.g. 1000,4000)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.week_items:
        week_sizes(args, sizes[0], [int(n) for n in args.week_items.split(",")])
        return
    from digest.settings.loading import load_settings
    from digest.store import Store

    folder = Path(tempfile.mkdtemp(prefix="bench-growth-"))
    config = write_config(folder)
    url = load_settings(str(config)).database_url
    Store(url).close()  # create and migrate
    rng = random.Random(7)
    week_end = WEEK_START + timedelta(days=7)
    history_start = WEEK_START - timedelta(days=7 * HISTORY_WEEKS)
    insert(url, rows(rng, 1, WEEK_ITEMS, WEEK_START, week_end))
    fixed = WEEK_ITEMS * (1 + HISTORY_WEEKS)
    insert(url, rows(rng, WEEK_ITEMS + 1, WEEK_ITEMS * HISTORY_WEEKS, history_start, WEEK_START))
    stored, results = fixed, []
    for size in sizes:
        started = time.perf_counter()
        old_end = history_start - timedelta(days=1)
        old_start = old_end - timedelta(days=4 * 365)
        insert(url, rows(rng, stored + 1, size - stored, old_start, old_end))
        loaded = time.perf_counter() - started
        stored = size
        runs = sorted(build(config, args.formats) for _ in range(args.repeat))
        wall, cpu, rss = runs[len(runs) // 2]
        results.append((size, wall, cpu, rss))
        print(f"{size:>9,} stored (+{loaded:.0f} s to insert): build {wall:.2f} s wall, "
              f"{cpu:.2f} s CPU, peak RSS {rss} MB", flush=True)  # fmt: skip
    base = results[0]
    for size, wall, cpu, rss in results[1:]:
        print(f"{size:,} vs {base[0]:,}: wall x{wall / base[1]:.2f}, CPU x{cpu / base[2]:.2f}, "
              f"RSS x{rss / base[3]:.2f}")  # fmt: skip
    print(json.dumps({"week_items": WEEK_ITEMS, "results": results}))


if __name__ == "__main__":
    main()
