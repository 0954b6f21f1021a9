"""The model's training data and its lifecycle: corpus, past issues, the editor's corrections."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from digest.errors import DigestError
from digest.ingest.pastissue import html_blocks, looks_like_issue, parse_issue
from digest.label import multilingual
from digest.label.model import (
    LABELS,
    Example,
    SectionModel,
    corpus_examples,
    load,
    load_default,
    save,
    train,
)
from digest.settings.schema import Settings
from digest.store import Store

DEFAULT_MODEL_FILE = "section_model.joblib"


@dataclass(frozen=True)
class TrainingRun:
    """What `digest train` did: where the model went and what it learned from."""

    model: SectionModel
    path: Path
    counts: dict[str, int]  # examples per origin: corpus, past issues, corrections, archive
    multilingual: multilingual.MultilingualModel | None = None  # the ru/be model trained beside


def model_file(settings: Settings) -> Path:
    """Where this configuration's own model lives (model_path, else next to the config)."""
    return settings.path(settings.model_path or DEFAULT_MODEL_FILE)


def current_model(settings: Settings) -> SectionModel:
    """The model in use: the one `digest train` wrote for this config, else the shipped one."""
    path = model_file(settings)
    if path.is_file():
        return load(path)
    if settings.model_path:
        raise DigestError(f"model_path {path} does not exist: run 'digest train' to create it")
    return load_default()


def multilingual_file(settings: Settings) -> Path:
    """Where this configuration's own multilingual model lives (beside its TF-IDF model)."""
    return model_file(settings).with_name(multilingual.MODEL_FILE)


def current_multilingual(settings: Settings) -> multilingual.MultilingualModel:
    """The ru/be model in use: the one `digest train` wrote for this config, else the shipped."""
    path = multilingual_file(settings)
    if path.is_file():
        return multilingual.load(path)
    return multilingual.load_default()


def store_examples(store: Store) -> tuple[list[Example], list[Example]]:
    """Labelled items in the store: past-issue paragraphs, and the editor's corrections."""
    past: list[Example] = []
    corrections: list[Example] = []
    for item in store.all_items():
        label = item.section_override
        if label not in LABELS or not item.text.strip():
            continue
        group = item.url or f"item:{item.id}"
        language = item.language or "en"
        example = multilingual.LabelledText(item.text, label, group, language)
        (past if item.origin == "past_issue" else corrections).append(example)
    return past, corrections


def archive_examples(folder: Path, settings: Settings) -> list[Example]:
    """Paragraphs of every past issue in a folder, labelled with their sections."""
    if not folder.is_dir():
        raise DigestError(f"{folder}: no such folder of past issues")
    examples = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".txt", ".md", ".html", ".htm") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix.lower() in (".html", ".htm"):
            text = html_blocks(text)
        if not looks_like_issue(text, settings.sections):
            continue
        issue = parse_issue(text, settings.sections)
        examples += [
            Example(p.text, p.section, f"{path.name}#{n}")
            for n, p in enumerate(issue.paragraphs)
            if p.section in LABELS
        ]
    if not examples:
        raise DigestError(f"{folder}: no past issues of the review found")
    return examples


def retrain(
    settings: Settings,
    store: Store,
    issues_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> TrainingRun:
    """Train on the corpus, the store's labelled items and an archive; save for this config.

    `progress` is told each step as it starts (reading, cross-validating, fitting, saving).
    """
    step = progress or (lambda _what: None)
    step("reading the corpus, the store and the archive")
    corpus = corpus_examples()
    past, corrections = store_examples(store)
    archive = archive_examples(issues_dir, settings) if issues_dir else []
    model = train(corpus + past + corrections + archive, progress=step)
    path = model_file(settings)
    step(f"saving the model to {path}")
    save(model, path)
    other = multilingual.train(past + corrections + archive)
    multilingual.save(other, multilingual_file(settings))
    counts = {
        "corpus": len(corpus),
        "past issues in the store": len(past),
        "editor's corrections": len(corrections),
        "archive": len(archive),
    }
    return TrainingRun(model, path, counts, other)


def label_counts(examples: list[Example]) -> dict[str, int]:
    """Examples per label, in label order."""
    counts = Counter(e.label for e in examples)
    return {label: counts.get(label, 0) for label in LABELS}
