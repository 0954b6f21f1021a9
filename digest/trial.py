"""`digest check`: a source tried end to end (fetch, extract, label) without storing anything;
it runs the stages of pipeline.py on a few items, so it sits beside it.

The source's adapter runs with the real fetcher (robots.txt, limits and timeouts apply, no
validator cache), its first few documents are extracted into items and labelled by the model
and the topic filter, exactly as ingest and classify would; no database is opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from digest.errors import DigestError
from digest.models import Item
from digest.settings.schema import Settings


@dataclass(frozen=True)
class Trial:
    """One document tried: the item it gave (with its label), or why it gave none."""

    where: str  # the document's URL or path
    item: Item | None = None
    error: str | None = None
    label: str | None = None
    score: float | None = None
    on_topic: bool | None = None
    unlabelled: str | None = None  # why the model did not label it


def try_source(settings: Settings, source_id: str, items: int = 2) -> list[Trial]:
    """The first `items` items of a source, extracted and labelled; nothing is stored."""
    from digest.fetch.client import Fetcher
    from digest.fetch.records import FetchOptions
    from digest.ingest.gather import own_locations
    from digest.ingest.items import to_items
    from digest.sources import SOURCES
    from digest.sources.base import SourceContext
    from digest.weeks import now_utc

    src = settings.source(source_id)
    trials: list[Trial] = []
    with Fetcher(settings.user_agent, FetchOptions.from_config(settings.fetch)) as fetcher:
        fetcher.guard.allow_only(own_locations(src))  # as a real ingest of this source does
        ctx = SourceContext(
            base_dir=settings.base_dir, now=now_utc(), fetcher=fetcher,
            user_agent=settings.user_agent,
        )  # fmt: skip
        for doc in SOURCES[src.kind]().documents(src, ctx):
            where = doc.url or doc.path or "?"
            try:
                trials += [Trial(where, item) for item in to_items(doc, settings)]
            except DigestError as exc:
                trials.append(Trial(where, error=str(exc)))
            if len(trials) >= items:
                break
    return label_trials(settings, trials[:items])


def label_trials(settings: Settings, trials: list[Trial]) -> list[Trial]:
    """Each tried item with the model's label and score and the topic filter's verdict."""
    from digest import pipeline
    from digest.label.topic import is_relevant
    from digest.label.training import current_model

    todo = [t for t in trials if t.item is not None and t.item.text.strip()]
    model_ok = [t for t in todo if t.item and t.item.language in (*pipeline.MODEL_LANGUAGES, None)]
    if not model_ok:
        predictions = []
    else:
        model = current_model(settings)
        predictions = model.predict([_model_text(t.item) for t in model_ok if t.item])
    labelled = {id(t): p for t, p in zip(model_ok, predictions, strict=True)}
    topic = pipeline.topic_of(settings)
    done = []
    for t in trials:
        if t.item is None:
            done.append(t)
            continue
        if t.item.section_override:  # a past issue's paragraph: its section is given
            done.append(_with(t, t.item.section_override, None, True, None))
            continue
        p = labelled.get(id(t))
        if p is None:
            why = f"language {t.item.language}: the model reads English; the editor places it"
            done.append(_with(t, None, None, None, why if t.item.text.strip() else "no text"))
            continue
        focused = settings.source(t.item.source_id).focused
        relevant = focused or is_relevant(t.item.text, t.item.title, topic)
        done.append(_with(t, p.label, p.score, p.label != "off_topic" and relevant, None))
    return done


def _with(t: Trial, label, score, on_topic, unlabelled) -> Trial:
    return Trial(t.where, t.item, t.error, label, score, on_topic, unlabelled)


def _model_text(item: Item) -> str:
    """The text the model reads: the title, a blank line, then the body (as classify does)."""
    return f"{item.title}\n\n{item.text}" if item.title else item.text
