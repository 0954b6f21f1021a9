"""Past issues: seed 004 becomes its 37 paragraphs, each in its section, dated by its issue."""

from datetime import date
from pathlib import Path

from digest.ingest.pastissue import looks_like_issue, parse_issue

ROOT = Path(__file__).resolve().parent.parent
SEED_004 = next((ROOT / "seeds").glob("004_*.txt")).read_text(encoding="utf-8")
ARTICLES = sorted(p for p in (ROOT / "seeds").glob("00[0-3]_*.txt"))


def test_seed_004_is_an_issue_and_the_articles_are_not(settings):
    assert looks_like_issue(SEED_004, settings.sections)
    for path in ARTICLES:
        assert not looks_like_issue(path.read_text(encoding="utf-8"), settings.sections), path


def test_seed_004_has_37_paragraphs_in_four_sections(settings):
    issue = parse_issue(SEED_004, settings.sections)
    assert issue.issue_date == date(2025, 1, 20)
    assert issue.week.label == "2025-W03"
    counts = {}
    for p in issue.paragraphs:
        counts[p.section] = counts.get(p.section, 0) + 1
    assert counts == {"military": 6, "political": 11, "human_rights": 12, "propaganda": 8}
    assert len(issue.paragraphs) == 37


def test_paragraphs_start_and_end_where_the_issue_says(settings):
    paras = parse_issue(SEED_004, settings.sections).paragraphs
    assert paras[0].text.startswith("Russian “Shahed” drones continued")
    assert paras[6].section == "political" and paras[6].text.startswith("U.S. Secretary of State")
    assert paras[-1].section == "propaganda"
    assert paras[-1].text.startswith("On January 17, Lukashenka chaired")
    every = " ".join(p.text for p in paras)
    for boilerplate in ("Note from the editors", "Best regards", "iSANS team", "subscription form"):
        assert boilerplate not in every
    assert not any(p.text.startswith(("1. MILITARY", "MILITARY DEVELOPMENTS")) for p in paras)


def test_lead_dates_take_the_issue_year(settings):
    paras = parse_issue(SEED_004, settings.sections).paragraphs
    assert paras[1].day == date(2025, 1, 13)  # "On January 13, ..."
    assert paras[2].day == date(2025, 1, 14)  # "From January 14 to 16, ..."
    assert paras[0].day is None  # opens without a date


def test_a_made_up_issue_with_a_december_paragraph_in_a_january_issue(settings):
    text = (
        "Weekly Review — January 6, 2025\n\n"
        "MILITARY DEVELOPMENTS\n\nOn December 30, a drill was held near the border.\n\n"
        "POLITICAL DEVELOPMENTS\n\nA minister travelled abroad.\n\n"
        "PROPAGANDA\n\nState television aired a film.\n\nBest regards,\nThe team\n"
    )
    issue = parse_issue(text, settings.sections)
    assert [p.section for p in issue.paragraphs] == ["military", "political", "propaganda"]
    assert issue.paragraphs[0].day == date(2024, 12, 30)
    assert issue.week.label == "2025-W01"


def test_a_news_article_mentioning_one_heading_is_not_an_issue(settings):
    text = "Title\n\nPROPAGANDA\n\nA story about propaganda on January 5, 2025."
    assert not looks_like_issue(text, settings.sections)


def test_a_past_issue_saved_as_a_web_page_with_title_case_headings(settings, tmp_path):
    from digest.ingest.pastissue import html_blocks

    page = (
        "<html><head><title>Weekly Review — March 3, 2025</title></head><body>"
        "<nav><a href='/'>Home</a></nav><h1>Weekly Review — March 3, 2025</h1>"
        "<h2>Military developments</h2><p>On February 25, a <a href='#'>brigade</a> held a drill"
        " near Polatsk.</p><p>Engineers built a pontoon bridge.</p>"
        "<h2>Political developments</h2><p>On February 27, the government met.</p>"
        "<h2>Human rights situation and international response</h2><p>Two activists were"
        " detained.</p><h2>Propaganda</h2><p>State television aired a film.</p>"
        "<p>Best regards,</p></body></html>"
    )
    text = html_blocks(page)
    assert looks_like_issue(text, settings.sections)
    issue = parse_issue(text, settings.sections)
    assert [p.section for p in issue.paragraphs] == [
        "military", "military", "political", "human_rights", "propaganda"
    ]  # fmt: skip
    assert issue.paragraphs[0].text == "On February 25, a brigade held a drill near Polatsk."
    assert issue.week.label == "2025-W09"


def test_one_paragraph_a_line_and_a_contents_list_without_numbers(settings):
    lines = [ln for ln in SEED_004.splitlines() if ln.strip()]  # every blank line removed
    text = "\n".join(ln.strip().lstrip("1234. ") if ln.strip()[:2] in ("1.", "2.", "3.", "4.")
                     else ln for ln in lines)  # fmt: skip
    issue = parse_issue(text, settings.sections)
    counts = {}
    for p in issue.paragraphs:
        counts[p.section] = counts.get(p.section, 0) + 1
    assert counts == {"military": 6, "political": 11, "human_rights": 12, "propaganda": 8}
    assert not any("DEVELOPMENTS" in p.text[:30] for p in issue.paragraphs)
