"""Labelled examples for the section model: the labels, the JSONL reader and the shipped corpus."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.errors import DigestError
from digest.resources import package_path

SECTION_LABELS: tuple[str, ...] = ("military", "political", "human_rights", "propaganda")
LABELS: tuple[str, ...] = (*SECTION_LABELS, "off_topic")
CORPUS_PATH = package_path("digest", "data", "training", "belarus-news.jsonl")


@dataclass(frozen=True)
class Example:
    """One labelled text; `group` (its url) keeps related items in the same CV fold."""

    text: str
    label: str
    group: str


def read_jsonl(path: Path) -> list[Example]:
    """Read labelled examples from JSON Lines; any bad line raises DigestError naming it."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise DigestError(f"{path}: no such training file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DigestError(f"{path}: cannot read training file ({exc})") from exc
    examples = [_parse_line(line, f"{path.name}:{n}") for n, line in enumerate(lines, start=1)]
    if not examples:
        raise DigestError(f"{path}: the training file holds no examples")
    return examples


def _parse_line(line: str, where: str) -> Example:
    """One JSONL line as an Example; `where` is "file:line" for the error message."""
    if not line.strip():
        raise DigestError(f"{where}: empty line")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DigestError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise DigestError(f"{where}: expected a JSON object, got {type(record).__name__}")
    for name in ("text", "label"):
        if name not in record:
            raise DigestError(f"{where}: missing field '{name}'")
        if not isinstance(record[name], str) or not record[name].strip():
            raise DigestError(f"{where}: field '{name}' must be a non-empty string")
    if record["label"] not in LABELS:
        raise DigestError(
            f"{where}: unknown label '{record['label']}' (expected: {', '.join(LABELS)})"
        )
    url = record.get("url")
    group = url if isinstance(url, str) and url else where
    return Example(text=record["text"], label=record["label"], group=group)


def corpus_examples() -> list[Example]:
    """The shipped training corpus (digest/data/training/belarus-news.jsonl) as examples."""
    if not CORPUS_PATH.is_file():
        raise DigestError(f"the training corpus is missing: {CORPUS_PATH}")
    return read_jsonl(CORPUS_PATH)


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, to pin the exact corpus a score was measured on."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def examples_sha256(examples: Sequence[Example]) -> str:
    """A sha256 over the examples' text, label and group, in order: the training data's identity."""
    digest = hashlib.sha256()
    for ex in examples:
        digest.update(json.dumps([ex.text, ex.label, ex.group], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def check_trainable(examples: Sequence[Example], min_groups: int) -> None:
    """Raise DigestError unless every label has examples from at least `min_groups` groups."""
    groups: dict[str, set[str]] = {label: set() for label in LABELS}
    for ex in examples:
        if ex.label not in groups:
            raise DigestError(f"unknown label '{ex.label}' in the training examples")
        groups[ex.label].add(ex.group)
    short = [f"{label} ({len(g)})" for label, g in groups.items() if len(g) < min_groups]
    if short:
        raise DigestError(
            f"too few training examples to split: {', '.join(short)}; "
            f"each label needs examples from at least {min_groups} distinct urls"
        )
