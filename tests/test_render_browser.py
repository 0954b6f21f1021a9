"""The HTML issue in headless Chromium at phone and desktop widths: the contents' numbers sit
inside the contents box, beside their headings, and nothing scrolls sideways. Screenshots of each
width are written to tests/artifacts/ (ignored by git) for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.render import html
from tests.issue_factory import make_issue, make_settings
from tests.test_desk_browser import ARGS, CHROMIUM, _browser_ready

ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}

# Boxes of the contents: the box's inner left edge (past border and padding), and per entry the
# number's and the heading's rectangles and whether the number's text is cut off.
MEASURE = """() => {
  const toc = document.querySelector('nav.toc');
  const box = toc.getBoundingClientRect();
  const style = getComputedStyle(toc);
  const inner = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
  const entries = [...toc.querySelectorAll('li')].map(li => {
    const num = li.querySelector('.num'), heading = li.querySelector('.heading');
    const n = num.getBoundingClientRect(), h = heading.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(num);
    const glyphs = range.getBoundingClientRect();
    return {num: [n.left, n.right], glyphs: [glyphs.left, glyphs.right],
            heading: [h.left, h.right], text: num.textContent};
  });
  return {inner, right: box.right - parseFloat(style.paddingRight), entries,
          scroll: document.documentElement.scrollWidth, width: window.innerWidth};
}"""


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    """The fixture issue's HTML page written to a file, as a reader opens it from out/."""
    folder = tmp_path_factory.mktemp("html")
    path = folder / "issue.html"
    path.write_text(html.render(make_issue(), make_settings(folder)).content, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(WIDTHS))
def test_contents_numbers_stay_inside_the_box_and_beside_their_headings(page_file, name):
    _browser_ready()
    from playwright.sync_api import sync_playwright

    width, height = WIDTHS[name]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(page_file.as_uri())
            found = page.evaluate(MEASURE)
            page.locator("nav.toc").screenshot(path=str(ARTIFACTS / f"issue-toc-{name}.png"))
            page.screenshot(path=str(ARTIFACTS / f"issue-{name}.png"), full_page=True)
        finally:
            browser.close()
    assert found["scroll"] <= found["width"], "the page scrolls sideways"
    assert [e["text"] for e in found["entries"]] == ["1.", "2.", "3.", "4."]
    for entry in found["entries"]:
        left, right = entry["glyphs"]
        assert left >= found["inner"] - 0.5, f"{entry['text']} overlaps the left border"
        assert entry["num"][0] >= found["inner"] - 0.5
        assert right <= entry["num"][1] + 0.5, f"{entry['text']} is clipped"
        assert entry["heading"][0] >= entry["num"][1] - 0.5, "number and heading overlap"
        assert entry["heading"][1] <= found["right"] + 0.5, "the heading runs out of the box"
