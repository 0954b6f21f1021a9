"""The stage sequences: collect, classify, build. The CLI, scheduler and desk all call these."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from digest import publish
from digest.config import Settings, SourceConfig
from digest.errors import DigestError
from digest.fetch import Fetcher
from digest.fetch_records import FetchOptions
from digest.ingest import to_items
from digest.issue import build_issue
from digest.models import Issue, Item
from digest.relevance import DEFAULT_TOPIC, Topic, is_relevant
from digest.render import FORMATS
from digest.sources import SOURCES
from digest.sources.base import SourceContext
from digest.store import Store
from digest.store.editing import story_edits_for
from digest.store.validators import StoreValidators
from digest.stories import stories_from_items
from digest.weeks import Week, now_utc, parse_week, week_before, week_of_moment

log = logging.getLogger(__name__)
HISTORY_WEEKS = 8  # how far back an event counts as already reported
Progress = Callable[[str, int], None]  # (source id, documents done so far)


@dataclass
class SourceResult:
    """What one source's run gave: counts, and the one-line error if it failed."""

    source_id: str
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None


def open_store(settings: Settings) -> Store:
    """The configured database, migrated to the newest schema."""
    return Store(settings.database_url)


def collect(
    settings: Settings,
    store: Store,
    source_ids: Sequence[str] = (),
    progress: Progress | None = None,
    since: datetime | None = None,
) -> list[SourceResult]:
    """Read every enabled source (or those named) and store new items; one failure stops none."""
    wanted = [settings.source(sid) for sid in source_ids] if source_ids else settings.sources
    wanted = [src for src in wanted if src.enabled]
    validators = StoreValidators(store)
    options = FetchOptions(**settings.fetch.model_dump())
    with Fetcher(settings.user_agent, options, cache=validators) as fetcher:
        ctx = SourceContext(
            base_dir=settings.base_dir,
            now=now_utc(),
            fetcher=fetcher,
            since=since,
            user_agent=settings.user_agent,
            seen=store.has_url,
        )
        return [_collect_one(src, ctx, settings, store, progress, validators) for src in wanted]


def _collect_one(src: SourceConfig, ctx, settings, store, progress, validators) -> SourceResult:
    """One source: its documents become items; errors are counted and named, never raised."""
    result, started = SourceResult(src.id), now_utc()
    validators.discard()
    try:
        for n, doc in enumerate(SOURCES[src.kind]().documents(src, ctx), start=1):
            try:
                new, same = store.add_items(to_items(doc, settings))
            except DigestError as exc:
                result.failed += 1
                log.warning("source '%s': %s: %s", src.id, doc.path or doc.url, exc)
                continue
            result.new, result.unchanged = result.new + new, result.unchanged + same
            if progress:
                progress(src.id, n)
    except DigestError as exc:
        result.error = str(exc)
        log.error("%s", exc)
    validators.discard() if result.error else validators.commit()
    status = "failed" if result.error else "ok"
    counts = {"new": result.new, "unchanged": result.unchanged, "failed": result.failed}
    store.record_run(src.id, started, status, error=result.error, **counts)
    return result


def classify(settings: Settings, store: Store, everything: bool = False) -> int:
    """Label stored items with the section model; editors' overrides are never touched."""
    from digest.classify import load, load_default

    todo = [i for i in store.all_items() if everything or i.section_label is None]
    todo = [i for i in todo if i.text.strip()]
    if not todo:
        return 0
    model = load(settings.path(settings.model_path)) if settings.model_path else load_default()
    predictions = model.predict([_model_text(i) for i in todo])
    topic = topic_of(settings)
    labels = [
        (i.id, p.label, p.score, _on_topic(i, p.label, topic))
        for i, p in zip(todo, predictions, strict=True)
    ]
    store.set_labels(labels)
    return len(labels)


def issue_for_week(settings: Settings, store: Store, week: Week) -> Issue:
    """The week's Issue from the store alone (no network): stories with the editor's edits."""
    classify(settings, store)
    section_ids = {s.id for s in settings.sections}
    chosen = [i for i in _week_items(store, week, settings) if _belongs(i, section_ids)]
    history = [
        i
        for back in range(1, HISTORY_WEEKS + 1)
        for i in _week_items(store, week_before(week, back), settings)
        if _belongs(i, section_ids)
    ]
    edits = story_edits_for(store, week.label)
    stories = stories_from_items(chosen, settings, history=history, edits=edits)
    return build_issue(week, stories, settings)


def _week_items(store: Store, week: Week, settings: Settings) -> list[Item]:
    return store.items_for_week(week.label, *week.window(settings.zone))


def build(settings: Settings, store: Store, week: Week, formats: Sequence[str] = ()) -> list[Path]:
    """Render the week's issue in every format (or those named) and write them to out/."""
    return build_weeks(settings, store, [week], formats)


def build_weeks(
    settings: Settings, store: Store, weeks: Sequence[Week], formats: Sequence[str] = ()
) -> list[Path]:
    """Build several weeks' issues, then the archive index and feed once."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise DigestError(f"unknown format: {', '.join(unknown)} (expected: {', '.join(FORMATS)})")
    paths: list[Path] = []
    for week in weeks:
        paths += write_built(settings, issue_for_week(settings, store, week), formats)
    return paths + publish.write_archive(settings)


def write_built(settings: Settings, issue: Issue, formats: Sequence[str] = ()) -> list[Path]:
    """Render an issue in every format (or those named) and write it to out/<week>/."""
    rendered = {name: FORMATS[name](issue, settings) for name in formats or FORMATS}
    return publish.write_issue(issue, rendered, settings)


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


def source_status(settings: Settings, store: Store) -> list[tuple[str, ...]]:
    """Per source: items stored, the last run, the last success and the last error, as text."""
    counts, last, good = store.counts_by_source(), store.last_runs(), store.last_runs("ok")
    rows = []
    for src in settings.sources:
        run_, ok = last.get(src.id), good.get(src.id)
        rows.append(
            (
                src.id,
                str(counts.get(src.id, 0)),
                _when(run_) + (f" ({run_['status']})" if run_ else ""),
                _when(ok),
                (run_ or {}).get("error") or "" if run_ and run_["status"] != "ok" else "",
            )
        )
    return rows


def _when(run_: dict | None) -> str:
    stamp = run_ and (run_["finished_at"] or run_["started_at"])
    return stamp.strftime("%Y-%m-%d %H:%M") if stamp else "never"


def topic_of(settings: Settings) -> Topic:
    """The configured topic, or the default one (Belarus) when no terms are configured."""
    cfg = settings.topic
    if not cfg.terms:
        return Topic(DEFAULT_TOPIC.name, DEFAULT_TOPIC.terms, cfg.title_weight, cfg.threshold)
    return Topic("configured", cfg.terms, cfg.title_weight, cfg.threshold)


def _on_topic(item: Item, label: str, topic: Topic) -> bool:
    """Editors' sections always count; otherwise the model and the topic terms must agree."""
    if item.section_override is not None:
        return True
    return label != "off_topic" and is_relevant(item.text, item.title, topic)


def _belongs(item: Item, section_ids: set[str]) -> bool:
    return item.on_topic and not item.excluded and item.section in section_ids


def _model_text(item: Item) -> str:
    return f"{item.title}\n\n{item.text}" if item.title else item.text
