"""Length and rule statistics of the paragraphs of built weeks.

Run: .venv/bin/python bench/paragraph.py [-c sources.yaml] [--week 2025-W03 ...] [--show]
     .venv/bin/python bench/paragraph.py --corpus [FILE.jsonl] [--show]
Reads each week's built JSON in out/<week>/ (run `digest build` first; every built week when no
--week is given), or with --corpus composes stories from a JSONL of real reports (id, url,
source, date, text, label; by default the shared training corpus) week by week, and prints, for the
composed paragraphs and for the past issues' paragraphs apart: how many, median and maximum
words, how many are over 130 and over 150 words, first person outside quotes, paragraphs that name
their opening date twice, openings not in the past tense, capitals after the date phrase, markup
left, and how each date was found. --show prints each paragraph that breaks a rule.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.compose.paragraph import MAX_WORDS, audit  # noqa: E402
from digest.settings.loading import load_settings  # noqa: E402

RULES = (
    "first person outside quotes",
    "names its opening date twice",
    "opening not in the past tense",
    "capital after the date phrase",
    "markup escape or entity",
    "over 150 words",
)


def paragraphs(folder: Path) -> list[dict]:
    """Every story of the week's built JSON, with whether it is a past issue's paragraph."""
    found = sorted(folder.glob("*.json"))
    if not found:
        raise SystemExit(f"bench: no built JSON in {folder}: run digest build first")
    doc = json.loads(found[0].read_text(encoding="utf-8"))
    out = []
    for section in doc["issue"]["sections"]:
        for story in section["stories"]:
            story["past"] = any(i["origin"] == "past_issue" for i in story["items"])
            out.append(story)
    return out


def report(name: str, stories: list[dict], show: bool) -> None:
    """Print the statistics of one group of paragraphs."""
    if not stories:
        print(f"{name}: none")
        return
    words = [len(s["paragraph"].split()) for s in stories]
    broken: Counter[str] = Counter()
    shown = []
    for s in stories:
        day = date.fromisoformat(s["date"]) if s["date"] else None
        rules = audit(s["paragraph"], day)
        broken.update(rules)
        if show and rules:
            shown.append(f"  {s['key']}: {', '.join(rules)}\n    {s['paragraph']}")
    notes = Counter((s.get("date_note") or "").split(" (")[0] or "-" for s in stories)
    print(
        f"{name}: {len(stories)} paragraphs, words median {statistics.median(words):.0f}"
        f" max {max(words)}, over {MAX_WORDS}: {sum(w > MAX_WORDS for w in words)}"
    )
    for rule in RULES:
        print(f"  {rule}: {broken[rule]}")
    print("  dates: " + "; ".join(f"{n} {note}" for note, n in notes.most_common()))
    why = Counter(
        (s.get("paragraph_note") or "").split("no date phrase: ")[1].split(";")[0]
        for s in stories
        if "no date phrase: " in (s.get("paragraph_note") or "")
    )
    phrased = sum(bool(re.match(r"(?:On|From) [A-Z][a-z]+ \d", s["paragraph"])) for s in stories)
    print(f"  open with a date: {phrased}; no date phrase: " +
          ("; ".join(f"{n} {w}" for w, n in why.most_common()) or "0"))  # fmt: skip
    for line in shown:
        print(line)


CORPUS = Path("/work/shared/training/belarus-news.jsonl")


def corpus_stories(path: Path) -> list[dict]:
    """Stories composed from a JSONL of reports, one batch per ISO week, as the JSON gives them."""
    from datetime import UTC, datetime

    from digest.compose.policy import url_verdict
    from digest.compose.stories import stories_from_items
    from digest.models import Item
    from digest.render.jsonout import to_data
    from digest.settings.schema import SectionConfig, Settings

    sections = [SectionConfig(id=i, heading=i, order=n) for n, i in enumerate(
        ["military", "political", "human_rights", "propaganda"])]  # fmt: skip
    settings = Settings(sections=tuple(sections))
    weeks: dict[tuple[int, int], list[Item]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line)
        if not row.get("date"):
            continue  # undated reports make no week
        day = date.fromisoformat(row["date"])
        when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        item = Item(source_id="corpus", url=row.get("url"), canonical_url=row.get("url"),
                    title=None, text=row["text"], published=when, date_method="meta",
                    content_hash=f"{n:064}", fetched_at=when, outlet=row.get("source"),
                    section_label=row.get("label") or "political", language="en", id=n)  # fmt: skip
        weeks.setdefault(day.isocalendar()[:2], []).append(item)
    out, links = [], 0
    for items in weeks.values():
        for story in stories_from_items([i for i in items if i.section_label != "off_topic"],
                                        settings):  # fmt: skip
            data = to_data(story)
            data["past"] = False
            out.append(data)
            links += sum(1 for c in story.credits if c.url and not url_verdict(c.url, settings)[0])
    print(f"corpus: {path.name}, {len(weeks)} weeks; credits linking a refused outlet: {links}")
    return out


def main() -> None:
    """Read the chosen weeks' built issues and print their paragraph statistics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", default="sources.yaml")
    parser.add_argument("--week", action="append", default=[])
    parser.add_argument("--corpus", nargs="?", const=str(CORPUS), help="a JSONL of reports")
    parser.add_argument("--show", action="store_true", help="print paragraphs that break a rule")
    args = parser.parse_args()
    if args.corpus:
        report("composed from the corpus", corpus_stories(Path(args.corpus)), args.show)
        return
    settings = load_settings(args.config)
    weeks = args.week or sorted(p.name for p in settings.out_dir.glob("????-W??") if p.is_dir())
    if not weeks:
        raise SystemExit("bench: no week given and none built in out/")
    stories = [s for w in weeks for s in paragraphs(settings.out_dir / w)]
    print(f"weeks: {', '.join(weeks)}")
    report("composed", [s for s in stories if not s["past"]], args.show)
    report("past issues (as written)", [s for s in stories if s["past"]], args.show)


if __name__ == "__main__":
    main()
