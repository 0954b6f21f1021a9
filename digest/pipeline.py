"""The stage sequences: ingest (collect, then classify), compose a week, build. The CLI, the
scheduler and the desk all call these; reading a week (issue_for_week) never writes to the store."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from digest import publish
from digest.compose.issue import build_issue
from digest.compose.policy import enforce, forbidden_links
from digest.compose.stories import stories_from_items
from digest.errors import BuildError, DigestError, EmptyIssueError
from digest.label.topic import DEFAULT_TOPIC, Topic, on_topic, relevance
from digest.models import Issue, Item, Rendered
from digest.render import FORMATS
from digest.settings.schema import Settings
from digest.store import Store
from digest.store.editing import published_weeks, story_edits_for
from digest.weeks import Week, parse_week, week_before, week_of_moment

if TYPE_CHECKING:
    from digest.label.model import Prediction
    from digest.typeset.worker import PdfWorker

log = logging.getLogger(__name__)
HISTORY_WEEKS = 8  # how far back an event counts as already reported
MODEL_LANGUAGES = ("en",)  # the TF-IDF model's language; English items stay on it
EMBEDDING_LANGUAGES = ("ru", "be")  # labelled by the multilingual model (measured on these)
MATCH_DAYS = 3  # English items this close to an on-topic ru/be item are embedded for matching


if TYPE_CHECKING:
    from digest.ingest.collect import Progress, SourceResult


def collect(*args, **kwargs):
    """Read the sources and store new items (ingest.collect.collect, imported when needed:
    a build must not pay for trafilatura and the fetcher)."""
    from digest.ingest.collect import collect as run_collect

    return run_collect(*args, **kwargs)


def source_status(*args, **kwargs):
    """Each source's last run, success and error (ingest.collect.source_status)."""
    from digest.ingest.collect import source_status as status

    return status(*args, **kwargs)


def __getattr__(name: str):
    """`run.SourceResult` still names the collect stage's record, imported on first use."""
    if name == "SourceResult":
        from digest.ingest.collect import SourceResult

        return SourceResult
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(settings: Settings) -> Store:
    """The configured database, migrated to the newest schema."""
    return Store(settings.database_url)


def ingest(
    settings: Settings,
    store: Store,
    source_ids: Sequence[str] = (),
    progress: Progress | None = None,
    since: datetime | None = None,
) -> list[SourceResult]:
    """Gather the sources into the store, then label what is new: the stage before any reading."""
    results = collect(settings, store, source_ids, progress=progress, since=since)
    classify(settings, store)
    return results


def classify(settings: Settings, store: Store, everything: bool = False) -> int:
    """Label stored items (English by TF-IDF, ru/be by embeddings); overrides are never touched.

    Non-English items are embedded (their vectors kept in the store by content hash), and so
    are the English items within MATCH_DAYS of an on-topic non-English one: the candidates for
    the same event across languages. An all-English store embeds nothing.
    """
    todo = store.all_items() if everything else store.unlabelled_items()
    todo = [i for i in todo if i.text.strip()]
    english = [i for i in todo if _english(i)]
    foreign = [i for i in todo if not _english(i)]
    done = 0
    if english:  # stored first: an embedding failure below leaves the English labels in place
        from digest.label.training import current_model

        texts = [_model_text(i) for i in english]
        done += _store_labels(settings, store, english, current_model(settings).predict(texts))
    if foreign:
        from digest.label.training import current_multilingual

        vectors = item_vectors(store, foreign)
        readable = [i for i in foreign if i.language in EMBEDDING_LANGUAGES]
        if readable:
            model = current_multilingual(settings)
            matrix = np.stack([vectors[i.content_hash] for i in readable])
            done += _store_labels(settings, store, readable, model.predict_vectors(matrix))
    if done:
        _embed_match_candidates(store, todo)
    return done


def _store_labels(
    settings: Settings, store: Store, chosen: Sequence[Item], predictions: Sequence[Prediction]
) -> int:
    """Store the predictions of these items with their on-topic decision; how many."""
    topic = topic_of(settings)
    focused = {src.id for src in settings.sources if src.focused}
    labels = [
        (i.id, p.label, p.score, _on_topic(i, p.label, p.score, topic, i.source_id in focused))
        for i, p in zip(chosen, predictions, strict=True)
        if i.id is not None  # stored items always have one
    ]
    store.set_labels(labels)
    return len(labels)


def item_vectors(store: Store, chosen: Sequence[Item]) -> dict[str, np.ndarray]:
    """The vectors of these items by content hash: stored ones read, missing ones embedded."""
    from digest.label.embed import MODEL_NAME, embed

    wanted = {i.content_hash: i for i in chosen}
    found = store.get_vectors(MODEL_NAME, wanted)
    missing = [i for h, i in wanted.items() if h not in found]
    if missing:
        fresh = embed([_model_text(i) for i in missing])
        made = {i.content_hash: v for i, v in zip(missing, fresh, strict=True)}
        store.put_vectors(MODEL_NAME, made)
        found |= made
    return found


def _embed_match_candidates(store: Store, labelled: Sequence[Item]) -> None:
    """Embed the English items within MATCH_DAYS of an on-topic non-English item, near these."""
    dated = [i.published for i in labelled if i.published]
    if not dated:
        return
    reach = timedelta(days=MATCH_DAYS)
    nearby = store.items_published_between(min(dated) - 2 * reach, max(dated) + 2 * reach)
    anchors = [i.published for i in nearby if not _english(i) and i.on_topic and not i.excluded]
    if not anchors:
        return
    need = [
        i
        for i in nearby
        if _english(i)
        and i.origin != "past_issue"
        and i.text.strip()
        and any(abs(i.published - a) <= reach for a in anchors if i.published and a)
    ]
    if need:
        item_vectors(store, need)


def _english(item: Item) -> bool:
    return item.language in (*MODEL_LANGUAGES, None)


def issue_for_week(settings: Settings, store: Store, week: Week) -> Issue:
    """The week's Issue from the store alone (no network, no writes): stories with the edits."""
    section_ids = {s.id for s in settings.sections}
    week_items = _week_items(store, week, settings)
    chosen = [i for i in week_items if _belongs(i, section_ids)]
    supporting = [i for i in week_items if _waiting(i)]
    history = [
        i
        for back in range(1, HISTORY_WEEKS + 1)
        for i in _week_items(store, week_before(week, back), settings)
        if _belongs(i, section_ids)
    ]
    edits = story_edits_for(store, week.label)
    vectors = _vectors_by_id(store, chosen + supporting)
    stories = stories_from_items(
        chosen, settings, history, edits, supporting=supporting, vectors=vectors
    )
    if settings.generate.paragraphs:
        from digest.compose.generate import generate_paragraphs

        stories = generate_paragraphs(stories, settings)
    if settings.translate is not None:
        from digest.compose.translate import translate_waiting

        stories = translate_waiting(stories, settings)
    return build_issue(week, enforce(stories, settings), settings)


def _vectors_by_id(store: Store, chosen: Sequence[Item]) -> dict[int, np.ndarray]:
    """The stored vectors of the week's items (reading only: nothing is embedded here)."""
    from digest.label.embed import MODEL_NAME

    if all(_english(i) for i in chosen):
        return {}
    return store.item_vectors(MODEL_NAME, chosen)


def _week_items(store: Store, week: Week, settings: Settings) -> list[Item]:
    return store.items_for_week(week.label, *week.window(settings.zone))


def build(
    settings: Settings,
    store: Store,
    week: Week,
    formats: Sequence[str] = (),
    allow_empty: bool = False,
) -> list[Path]:
    """Render the week's issue in every format (or those named) and write them to out/.

    A week without stories raises EmptyIssueError (nothing written) unless allow_empty.
    """
    return build_weeks(settings, store, [week], formats, allow_empty=allow_empty)


def build_weeks(
    settings: Settings,
    store: Store,
    weeks: Sequence[Week],
    formats: Sequence[str] = (),
    allow_empty: bool = False,
    skip_empty: bool = False,
    pdf_worker: PdfWorker | None = None,
) -> list[Path]:
    """Build several weeks' issues, then the archive index and feed once.

    With a pdf_worker (typeset.worker, started before the settings were read) each PDF is laid
    out in that process while the other formats render here.

    A format that cannot be made (no Pango for the PDF, say) does not stop the others: they are
    written, and a BuildError then names what failed and carries the paths that were written.
    A week without stories is refused (EmptyIssueError, before anything is written), skipped
    with a warning (skip_empty, for --all), or built all the same (allow_empty).
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise DigestError(f"unknown format: {', '.join(unknown)} (expected: {', '.join(FORMATS)})")
    issues = [issue_for_week(settings, store, week) for week in weeks]
    empty = [i.week for i in issues if i.story_count == 0]
    if empty and not allow_empty and not skip_empty:
        raise EmptyIssueError(empty[0])
    paths: list[Path] = []
    failures: list[str] = []
    for issue in issues:
        if issue.story_count == 0 and not allow_empty:
            log.warning("%s: no stories, not built", issue.week)
            continue
        try:
            draft_free = replace(issue, waiting=())  # the waiting stories are the draft's only
            paths += write_built(settings, draft_free, formats, pdf_worker)
        except BuildError as exc:
            paths += exc.paths
            failures += exc.failures
    paths += publish.write_archive(settings, published_weeks(store))
    if failures:
        raise BuildError(paths, failures)
    return paths


def write_built(
    settings: Settings,
    issue: Issue,
    formats: Sequence[str] = (),
    pdf_worker: PdfWorker | None = None,
) -> list[Path]:
    """Render an issue in every format (or those named) and write it to out/<week>/."""
    names = list(formats or FORMATS)
    made: dict[str, Rendered] = {}
    failures: list[str] = []

    def attempt(name: str, make: Callable[[], Rendered]) -> None:
        try:
            made[name] = make()
        except DigestError as exc:
            failures.append(f"{issue.week} {name}: {exc}")  # raised below, reported once

    pending: Future[bytes] | None = None
    in_worker = pdf_worker is not None and "pdf" in names
    if pdf_worker is not None and in_worker:
        from digest.render import pdf

        try:
            pending = pdf_worker.submit(pdf.job(issue, settings))  # laid out while others render
        except DigestError as exc:
            failures.append(f"{issue.week} pdf: {exc}")
    for name in names:
        if name != "pdf" or not in_worker:
            attempt(name, functools.partial(FORMATS[name], issue, settings))
    if pending is not None:
        result = pending.result
        attempt("pdf", lambda: pdf.rendered(result()))
    rendered = {name: made[name] for name in names if name in made}  # in format order
    refuse_forbidden_links(issue, rendered, settings)
    paths = publish.write_issue(issue, rendered, settings)
    if failures:
        raise BuildError(paths, failures)
    return paths


def refuse_forbidden_links(issue: Issue, rendered: dict, settings: Settings) -> None:
    """The last guard: a DigestError, and nothing written, if any format links a refused outlet."""
    texts = {n: r.content for n, r in rendered.items() if isinstance(r.content, str)}
    found = forbidden_links(texts, settings)
    if found:
        first = found[0]
        raise DigestError(
            f"{issue.week}: refusing to write an issue that links {len(found)} refused URL(s),"
            f" first {first.url} in {first.file} ({first.reason})"
        )


def weeks_with_items(settings: Settings, store: Store) -> list[Week]:
    """Every week that holds at least one stored item, oldest first."""
    found: dict[str, Week] = {}
    for published, issue_week in store.published_dates():
        if issue_week:
            week = parse_week(issue_week)
        elif published:
            week = week_of_moment(published, settings.zone)
        else:
            continue
        found[week.label] = week
    return [found[label] for label in sorted(found)]


def topic_of(settings: Settings) -> Topic:
    """The configured topic, or the default one (Belarus) when no terms are configured."""
    cfg = settings.topic
    if not cfg.terms:
        return Topic(DEFAULT_TOPIC.name, DEFAULT_TOPIC.terms, cfg.title_weight, cfg.threshold)
    return Topic("configured", cfg.terms, cfg.title_weight, cfg.threshold)


def _on_topic(item: Item, label: str, score: float, topic: Topic, focused: bool) -> bool:
    """Editors' sections count; else the model's label with the topic's words (label.topic)."""
    if item.section_override is not None:
        return True
    return on_topic(relevance(item.text, item.title, topic), label, score, focused)


def _waiting(item: Item) -> bool:
    """A report the model cannot label (another language): it may still back a story."""
    return item.section is None and not item.excluded and item.language not in MODEL_LANGUAGES


def _belongs(item: Item, section_ids: set[str]) -> bool:
    return item.on_topic and not item.excluded and item.section in section_ids


def _stored_id(item: Item) -> int:
    """The store's id of an item read from it; one without an id was never stored (a bug)."""
    if item.id is None:
        raise DigestError(f"item {item.url or item.title!r} of {item.source_id} has no stored id")
    return item.id


def _model_text(item: Item) -> str:
    return f"{item.title}\n\n{item.text}" if item.title else item.text
