"""Measure extract() speed: documents per second over the extraction fixtures, by content type.

Run: .venv/bin/python bench/extract.py [seconds-per-type]   (default 2 s for each type)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

from digest.extract.article import extract
from digest.models import Document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "extract"


def fixture_documents() -> list[Document]:
    """The fixtures that extract successfully, as Documents (failing ones are not timed)."""
    docs = []
    for sidecar in sorted(FIXTURES.glob("*.expected.yaml")):
        spec = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
        if "error" in spec:
            continue
        path = ROOT / spec["source"] if "source" in spec else FIXTURES / spec["file"]
        docs.append(
            Document("bench", None, spec["reference"], path.read_bytes(), spec["content_type"])
        )
    return docs


def rate(docs: list[Document], seconds: float) -> tuple[float, int]:
    """Documents per second for extract() over the documents, repeated for about `seconds`."""
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for doc in docs:
            extract(doc)
        count += len(docs)
    return count / (time.perf_counter() - start), count


def main() -> None:
    """Print documents per second for each content type and for all fixtures together."""
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    docs = fixture_documents()
    for doc in docs:
        extract(doc)  # warm up: imports, stoplists, compiled patterns
    kinds = sorted({d.content_type for d in docs})
    for kind in kinds + ["all"]:
        subset = [d for d in docs if kind in ("all", d.content_type)]
        per_second, count = rate(subset, seconds)
        size = sum(len(d.content) for d in subset) / len(subset) / 1024
        label = f"{kind:14} {len(subset):2} docs, {size:5.1f} KiB avg"
        print(f"{label}: {per_second:7.1f} docs/s ({count} runs)")


if __name__ == "__main__":
    main()
