"""Time every format on a 40-paragraph issue, and the PDF against a bare WeasyPrint render.

Run: .venv/bin/python bench/render.py [--repeat 3]
The PDF renderer's target is at most 1.2x the bare WeasyPrint time for the same HTML.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.render import FORMATS, html, pdf  # noqa: E402
from digest.render.common import TEMPLATES_DIR  # noqa: E402
from tests.issue_factory import make_issue, make_settings  # noqa: E402

PARAGRAPHS_PER_SECTION = 10  # four sections: 40 paragraphs


def timed(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` runs of `action`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(
    ours: Callable[[], object], bare: Callable[[], object], args: argparse.Namespace
) -> tuple[float, float]:
    """Median times of the two PDF paths run alternately, so machine load hits both alike."""
    pairs = [(timed(ours, 1), timed(bare, 1)) for _ in range(args.repeat * 2)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def bare_weasyprint(page: str) -> Callable[[], bytes]:
    """WeasyPrint alone on the same HTML: default fetcher, no clock pinning, no template."""
    import weasyprint

    base = TEMPLATES_DIR.as_uri() + "/"
    return lambda: weasyprint.HTML(string=page, base_url=base).write_pdf()


def main() -> None:
    """Print one line per format and the PDF-to-bare-WeasyPrint ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    issue = make_issue(per_section=PARAGRAPHS_PER_SECTION)
    settings = make_settings(Path(tempfile.mkdtemp(prefix="bench-render-")))
    pdf.load_weasyprint()
    FORMATS["pdf"](issue, settings)  # warm fonts and caches for both sides
    print(f"issue: {issue.story_count} paragraphs, {len(issue.sections)} sections")
    results = {}
    for name, render in FORMATS.items():
        results[name] = timed(lambda render=render: render(issue, settings), args.repeat)
        size = len(render(issue, settings).content)
        print(f"{name:5} {results[name] * 1000:9.1f} ms  {size:9,d} bytes")
    page = html.page(issue, None, print_stylesheet=pdf.PRINT_STYLESHEET)
    ours, bare = interleaved(lambda: FORMATS["pdf"](issue, settings), bare_weasyprint(page), args)
    print(f"bare  {bare * 1000:9.1f} ms  (WeasyPrint HTML(string).write_pdf on the same page)")
    ratio = ours / bare
    print(f"pdf   {ours * 1000:9.1f} ms  (measured alternately with bare, {args.repeat * 2} runs)")
    print(f"pdf / bare = {ratio:.2f}x (target <= 1.20x): {'ok' if ratio <= 1.2 else 'OVER'}")


if __name__ == "__main__":
    main()
