"""Same-event quality and story-building speed.

Run: .venv/bin/python bench/stories.py [--threshold 0.28] [--sweep]
Reads the labelled pair set in tests/fixtures/stories/ (pairs.yaml over own_reports.yaml and
corpus_reports.yaml), fits one index on all its reports (as a week's batch is fitted), and prints
precision, recall and F1 of the same-event decision, per kind of pair and overall, the pairs it
gets wrong, and the time to build stories from the 454 items of the training corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.compose.sameevent import EventIndex, Matching, Report  # noqa: E402

PAIRS = ROOT / "tests" / "fixtures" / "stories"
CORPUS = Path("/work/shared/training/belarus-news.jsonl")


@dataclass(frozen=True)
class Pair:
    """One labelled pair: indices into the report list, the label and its kind."""

    a: int
    b: int
    same: bool
    kind: str


def pair_set_hash(folder: Path = PAIRS) -> str:
    """A SHA-256 over the pair set's files, so an edit to them cannot move a score unnoticed."""
    digest = hashlib.sha256()
    for name in ("own_reports.yaml", "corpus_reports.yaml", "pairs.yaml"):
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def load_pair_set(folder: Path = PAIRS) -> tuple[list[Report], list[Pair]]:
    """The reports (one per pair side, dates as labelled) and the pairs over them."""
    texts: dict[str, dict] = {}
    for name in ("own_reports.yaml", "corpus_reports.yaml"):
        texts |= yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    reports: list[Report] = []
    pairs: list[Pair] = []
    for row in yaml.safe_load((folder / "pairs.yaml").read_text(encoding="utf-8")):
        a, b = texts[row["a"]], texts[row["b"]]
        day_a = date.fromisoformat(str(a["date"]))
        day_b = day_a if row.get("same_day") else date.fromisoformat(str(b["date"]))
        reports += [Report(a["text"], day_a), Report(b["text"], day_b)]
        pairs.append(Pair(len(reports) - 2, len(reports) - 1, bool(row["same"]), row["kind"]))
    return reports, pairs


def measure(index: EventIndex, pairs: list[Pair], matching: Matching) -> dict[str, float]:
    """Precision, recall and F1 of the same-event decision over the pairs."""
    said = [index.same(p.a, p.b, matching) for p in pairs]
    tp = sum(s and p.same for s, p in zip(said, pairs, strict=True))
    fp = sum(s and not p.same for s, p in zip(said, pairs, strict=True))
    fn = sum(p.same and not s for s, p in zip(said, pairs, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pairs": len(pairs)}


def _print_errors(index: EventIndex, pairs: list[Pair], matching: Matching) -> None:
    """The pairs the decision gets wrong, with their signals."""
    for p in pairs:
        if index.same(p.a, p.b, matching) != p.same:
            sig = index.signals(p.a, p.b)
            a, b = index.reports[p.a].text[:50], index.reports[p.b].text[:50]
            print(f"  wrong ({p.kind}, same={p.same}): text={sig.text:.2f} anchors="
                  f"{sig.anchors:.2f} score={sig.score(matching):.2f}  {a!r} / {b!r}")  # fmt: skip


def _timing() -> None:
    """Time to build stories from the training corpus, all 454 items as one batch."""
    if not CORPUS.exists():
        print(f"timing skipped: {CORPUS} not found")
        return
    from digest.compose.stories import stories_from_items
    from tests.conftest import make_settings
    from tests.test_stories import item

    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    items = [
        item(id=n, text=r["text"], url=r["url"], canonical_url=r["url"], title=None,
             published=datetime(2025, 1, 13 + n % 7, 12, tzinfo=UTC), section_label=r["label"])
        for n, r in enumerate(rows, start=1)
    ]  # fmt: skip
    settings = make_settings(Path("/tmp"))
    started = time.perf_counter()
    stories = stories_from_items(items, settings)
    took = time.perf_counter() - started
    print(f"stories: {len(items)} items -> {len(stories)} stories in {took:.2f} s")


def main() -> None:
    """Print the pair-set figures (and a threshold sweep when asked) and the timing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=Matching().threshold)
    parser.add_argument("--sweep", action="store_true", help="Also try thresholds 0.15-0.45.")
    args = parser.parse_args()
    reports, pairs = load_pair_set()
    started = time.perf_counter()
    index = EventIndex(reports)
    fitted = time.perf_counter() - started
    matching = Matching(threshold=args.threshold)
    for kind in sorted({p.kind for p in pairs}):
        chosen = [p for p in pairs if p.kind == kind]
        right = sum(index.same(p.a, p.b, matching) == p.same for p in chosen)
        print(f"{kind:11s} {right}/{len(chosen)} pairs decided right")
    overall = measure(index, pairs, matching)
    print("overall     " + " ".join(f"{k}={v:.3f}" for k, v in overall.items()))
    undated = measure(EventIndex([Report(r.text) for r in reports]), pairs, matching)
    print("no dates    " + " ".join(f"{k}={v:.3f}" for k, v in undated.items()))
    print(f"index of {len(reports)} reports: {fitted * 1000:.0f} ms; set {pair_set_hash()[:12]}")
    _print_errors(index, pairs, matching)
    if args.sweep:
        for t in [x / 100 for x in range(15, 46, 2)]:
            got = measure(index, pairs, Matching(threshold=t))
            print(f"threshold {t:.2f}: P={got['precision']:.3f} R={got['recall']:.3f}")
    _timing()


if __name__ == "__main__":
    main()
