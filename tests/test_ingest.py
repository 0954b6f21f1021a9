"""Ingest of the seeds: four articles and 37 labelled paragraphs, stored once however often run."""

from digest import pipeline as run
from digest.editorial import operations as editing


def test_seeds_ingest_once_and_rerun_stores_nothing_new(settings):
    store = run.open_store(settings)
    (first,) = run.collect(settings, store)
    assert (first.new, first.unchanged, first.failed, first.error) == (41, 0, 0, None)
    (second,) = run.collect(settings, store)
    assert (second.new, second.unchanged, second.failed) == (0, 41, 0)
    assert len(store.all_items()) == 41


def test_seed_004_paragraphs_keep_their_sections_and_week(settings):
    store = run.open_store(settings)
    run.collect(settings, store)
    past = [i for i in store.all_items() if i.origin == "past_issue"]
    assert len(past) == 37
    assert {i.issue_week for i in past} == {"2025-W03"}
    assert {i.section_override for i in past} == {
        "military", "political", "human_rights", "propaganda"
    }  # fmt: skip
    assert all(i.outlet == "iSANS" and i.date_method == "issue" for i in past)


def test_articles_are_clean_dated_and_credited(settings):
    store = run.open_store(settings)
    run.collect(settings, store)
    articles = {i.outlet: i for i in store.all_items() if i.origin == "article"}
    assert set(articles) == {
        "Pozirk", "U.S. Department of State", "The Kyiv Independent", "Belarus Freedom Forum"
    }  # fmt: skip
    kyiv = articles["The Kyiv Independent"]
    assert kyiv.published.date().isoformat() == "2025-02-15"
    assert "Subscribe" not in kyiv.text and kyiv.language == "en"


def test_classify_labels_articles_and_never_touches_overrides(settings):
    store = run.open_store(settings)
    run.collect(settings, store)
    assert run.classify(settings, store) == 41
    assert run.classify(settings, store) == 0  # nothing left unlabelled
    items = store.all_items()
    assert all(i.section_label and i.section_score is not None for i in items)
    article = next(i for i in items if i.origin == "article")
    other = next(s for s in ("propaganda", "military") if s != article.section_label)
    editing.move_item(settings, store, article.id, other, "anna")
    assert run.classify(settings, store, everything=True) == 41
    kept = store.get_item(article.id)
    assert kept.section_override == other and kept.section == other
    assert kept.section_label != other


def test_ingest_labels_what_it_stores(settings):
    store = run.open_store(settings)
    run.ingest(settings, store)
    assert store.unlabelled_items() == []


def test_weeks_with_items_cover_the_seed_weeks(settings):
    store = run.open_store(settings)
    run.collect(settings, store)
    weeks = [w.label for w in run.weeks_with_items(settings, store)]
    assert "2025-W03" in weeks and "2025-W07" in weeks  # seed 004 and the Kyiv Independent piece


def test_an_undated_paragraph_takes_the_date_of_the_one_before_it_in_its_section(settings):
    store = run.open_store(settings)
    run.collect(settings, store)
    past = {i.text[:40]: i for i in store.all_items() if i.origin == "past_issue"}
    also = next(i for t, i in past.items() if t.startswith("Lukashenka also claimed"))
    assert also.published.date().isoformat() == "2025-01-16"  # after "Also on January 16, ..."
    first = next(i for t, i in past.items() if t.startswith("U.S. Secretary of State"))
    assert first.published.date().isoformat() == "2025-01-13"  # opens its section: the Monday


def test_a_folder_of_reports_with_front_matter_is_stored_with_its_languages(tmp_path):
    from tests.conftest import make_settings

    folder = tmp_path / "reports"
    folder.mkdir()
    reports = {
        "ru.md": (
            "ru",
            "Лукашенко подписал указ о помиловании ещё 16 человек, сообщила пресс-служба.",
        ),
        "be.md": (
            "be",
            "Лукашэнка падпісаў указ аб памілаванні яшчэ 16 чалавек, паведаміла прэс-служба.",
        ),
        "en.md": (
            "en",
            "Lukashenka signed a decree pardoning another 16 people, his press office said.",
        ),
    }
    for name, (language, text) in reports.items():
        body = f"---\ntitle: {text[:30]}\nlanguage: {language}\ndate: 2025-01-15\n---\n{text}\n"
        (folder / name).write_text(body * 3, encoding="utf-8")
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    extra = "  - {id: reports, kind: file, location: reports, name: Reports}\n"
    settings = make_settings(tmp_path, extra)
    store = run.open_store(settings)
    (result,) = run.collect(settings, store, ["reports"])
    assert (result.new, result.failed) == (3, 1)
    stored = sorted(i.language for i in store.all_items() if i.source_id == "reports")
    assert stored == ["be", "en", "ru"]
