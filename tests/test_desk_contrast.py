"""The desk's text contrast in headless Chromium: every visible text on its pages at least 4.5:1
against what is behind it (WCAG 2 contrast of the computed colours, as axe's color-contrast rule
measures it, held to 4.5:1 for large text too). Screenshots go to tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

from tests.desk_fixture import WEEK
from tests.test_desk_browser import ARGS, CHROMIUM, PASSWORD, served  # noqa: F401 - the fixture

ARTIFACTS = Path(__file__).parent / "artifacts"
MINIMUM = 4.5

# For each element with its own visible text: its colour and the background behind it, found by
# compositing the background colours of it and its ancestors over the white canvas.
MEASURE = """() => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number);
                       return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, bottom) => { const a = top[3] + bottom[3] * (1 - top[3]);
    return [0, 1, 2].map(i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / (a || 1))
           .concat([a]); };
  const lum = c => { const f = v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const behind = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break; }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255, 1]); };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest('[disabled], [hidden], option, script, style')) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || !el.getClientRects().length) continue;
    const back = behind(el), fore = over(parse(style.color), back);
    const [hi, lo] = [lum(fore), lum(back)].sort((a, b) => b - a);
    found.push({text: el.textContent.trim().slice(0, 40), tag: el.tagName.toLowerCase(),
                cls: el.className, ratio: (hi + 0.05) / (lo + 0.05)});
  }
  return found;
}"""


def low_contrast(page) -> list[str]:
    """The texts of the page below the minimum, as "tag.class 'text' 4.32:1"."""
    return [
        f"{e['tag']}.{e['cls']} {e['text']!r} {e['ratio']:.2f}:1"
        for e in page.evaluate(MEASURE)
        if e["ratio"] < MINIMUM
    ]


def test_every_text_of_the_login_draft_and_index_pages_has_enough_contrast(served):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    base, _store = served
    ARTIFACTS.mkdir(exist_ok=True)
    failures: dict[str, list[str]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(f"{base}/week/{WEEK.label}")
            failures["login"] = low_contrast(page)
            page.fill("input[name=name]", "editor")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]:has-text('Log in')")
            expect(page.locator("h1")).to_contain_text("Belarus Review")
            for details in page.locator("details").all():  # the edit forms count too
                details.evaluate("d => d.open = true")
            failures["draft"] = low_contrast(page)
            page.screenshot(path=str(ARTIFACTS / "desk-draft.png"), full_page=True)
            story = page.locator("#story-i2")
            story.locator("select[name=section]").select_option("political")
            story.locator("button:has-text('Move')").click()
            expect(page.locator(".notice.ok")).to_be_visible()
            failures["draft after a change"] = low_contrast(page)
            page.goto(f"{base}/")
            failures["index"] = low_contrast(page)
            page.goto(f"{base}/unsubscribe?t=nothing")
            failures["unsubscribe"] = low_contrast(page)
        finally:
            browser.close()
    assert {name: found for name, found in failures.items() if found} == {}
