"""The section model: train, predict, save and load the classifier that sorts items into sections.

The labels are the review's four sections plus off_topic. Training data and the measuring code
live in classify_data.py and classify_eval.py; this module holds the model, its file and the
shipped default. Run `python -m digest.label.model [path]` to retrain and write the shipped model.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

import joblib
import sklearn
from sklearn.pipeline import Pipeline

from digest.errors import DigestError, ModelVersionError
from digest.label.evaluation import (
    cross_validate,
    evaluate,
    fit_estimator,
    format_report,
    label_probs,
)
from digest.label.examples import (
    LABELS,
    SECTION_LABELS,
    Example,
    corpus_examples,
    examples_sha256,
    read_jsonl,
)
from digest.resources import package_path

__all__ = [
    "LABELS", "SECTION_LABELS", "Example", "Prediction", "SectionModel", "ModelVersionError",
    "train", "save", "load", "default_model_path", "load_default", "build_default",
    "read_jsonl", "corpus_examples", "cross_validate", "evaluate", "format_report",
]  # fmt: skip

FILE_FORMAT = 1
RECIPE = "tf-idf word 1-2 + char_wb 2-5 (sublinear), LinearSVC C=1, isotonic calibration"


@dataclass(frozen=True)
class Prediction:
    """The model's label for one text, its calibrated confidence, and every label's probability."""

    label: str
    score: float
    probs: dict[str, float]


class _WithMeta(Protocol):
    meta: dict


M = TypeVar("M", bound=_WithMeta)  # a section model of either kind, for retrained_cached


class SectionModel:
    """A trained section classifier with its provenance (`meta`)."""

    def __init__(self, estimator: Pipeline, meta: dict) -> None:
        self.estimator = estimator
        self.meta = meta

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Label each text; an empty text raises DigestError rather than getting a guess."""
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str) or not text.strip():
                raise DigestError(f"cannot classify text #{i}: it is empty")
        if not texts:
            return []
        return [_prediction(row) for row in label_probs(self.estimator, texts)]

    def needs_review(self, prediction: Prediction) -> bool:
        """Whether a prediction's confidence is under the review threshold chosen in CV."""
        return prediction.score < self.meta["threshold"]


def _prediction(row: Sequence[float]) -> Prediction:
    """A Prediction from one LABELS-ordered probability row."""
    probs = {label: float(p) for label, p in zip(LABELS, row, strict=True)}
    label = max(probs, key=probs.__getitem__)
    return Prediction(label=label, score=probs[label], probs=probs)


def train(
    examples: Sequence[Example],
    *,
    seed: int = 0,
    folds: int = 5,
    progress: Callable[[str], None] | None = None,
) -> SectionModel:
    """Cross-validate (for scores and the review threshold), then fit on all examples."""
    step = progress or (lambda _what: None)
    step(f"{folds}-fold cross-validation on {len(examples)} examples")
    report = cross_validate(examples, folds=folds, seed=seed)
    step(f"fitting the model on all {len(examples)} examples")
    estimator = fit_estimator(examples, seed)
    review = report["review"]
    meta = {
        "format": FILE_FORMAT,
        "sklearn_version": sklearn.__version__,
        "data_sha256": examples_sha256(examples),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "n_examples": len(examples),
        "labels": list(LABELS),
        "threshold": review["threshold"],
        "seed": seed,
        "recipe": RECIPE,
        "cv": {
            "folds": folds,
            "macro_f1_sections": report["macro_f1_sections"],
            "macro_f1_all": report["macro_f1_all"],
            "f1": {label: row["f1"] for label, row in report["per_label"].items()},
            "brier": report["brier"],
            "ece": report["ece"],
            "flagged_share": review["flagged_share"],
            "errors_caught": review["errors_caught"],
            "errors": review["errors"],
        },
    }
    return SectionModel(estimator, meta)


def save(model: SectionModel, path: Path) -> None:
    """Write the model file atomically: plain meta first, the pickled estimator as bytes."""
    write_model_file(model.estimator, model.meta, path)


def write_model_file(estimator: object, meta: dict, path: Path) -> None:
    """A model file written atomically (temp file + rename): plain meta, the estimator's bytes.

    Shared by the section models: the meta can be read without unpickling anything."""
    path = Path(path)
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer, compress=3)
    payload = {"format": FILE_FORMAT, "meta": meta, "estimator": buffer.getvalue()}
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        joblib.dump(payload, temp)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise DigestError(f"{path}: cannot write the model file ({exc})") from exc


def load(path: Path) -> SectionModel:
    """Read a model file; missing, corrupt or other-sklearn-version files raise DigestError."""
    estimator, meta = read_model_file(path)
    if not isinstance(estimator, Pipeline) or not hasattr(estimator, "classes_"):
        raise DigestError(f"{path}: corrupt model file (no trained pipeline inside)")
    return SectionModel(estimator, meta)


def read_model_file(path: Path) -> tuple[object, dict]:
    """A model file's (estimator, meta): never unpickled when another scikit-learn wrote it
    (ModelVersionError); missing or corrupt files raise DigestError."""
    path = Path(path)
    if not path.is_file():
        raise DigestError(f"{path}: no such model file")
    payload = _read_payload(path)
    meta = payload["meta"]
    if meta.get("sklearn_version") != sklearn.__version__:
        raise ModelVersionError(
            f"{path}: model built with scikit-learn {meta.get('sklearn_version')}, "
            f"this is {sklearn.__version__}"
        )
    try:
        estimator = joblib.load(io.BytesIO(payload["estimator"]))
    except Exception as exc:  # unpickling can fail in many ways; all mean a corrupt file
        raise DigestError(f"{path}: corrupt model file ({type(exc).__name__})") from exc
    return estimator, meta


def _read_payload(path: Path) -> dict:
    """The outer record of a model file (builtins only), checked for shape and format."""
    try:
        payload = joblib.load(path)
    except Exception as exc:  # truncated or foreign files raise assorted errors
        raise DigestError(f"{path}: corrupt model file ({type(exc).__name__})") from exc
    if not isinstance(payload, dict) or not {"format", "meta", "estimator"} <= payload.keys():
        raise DigestError(f"{path}: not a digest section model file")
    if payload["format"] != FILE_FORMAT or not isinstance(payload["meta"], dict):
        raise DigestError(f"{path}: unsupported model file format {payload['format']!r}")
    return payload


def default_model_path() -> Path:
    """Where the shipped model lives: digest/data/section_model.joblib."""
    return package_path("digest", "data", "section_model.joblib")


def cache_dir() -> Path:
    """The user cache folder for retrained models ($XDG_CACHE_HOME/digest or ~/.cache/digest)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "digest"


def load_default(path: Path | None = None, cache: Path | None = None) -> SectionModel:
    """The shipped model; if another sklearn version wrote it, a retrained (and cached) one."""
    try:
        return load(path or default_model_path())
    except ModelVersionError as exc:
        return _retrained(exc, cache or cache_dir())


def _retrained(reason: ModelVersionError, cache: Path) -> SectionModel:
    """Reuse or build a model retrained from the corpus for this sklearn version; say so."""
    corpus = corpus_examples()
    return retrained_cached(
        reason,
        cache / f"section_model-sklearn-{sklearn.__version__}.joblib",
        examples_sha256(corpus),
        "section model",
        "the shipped corpus (a few seconds)",
        load,
        lambda: train(corpus),
        save,
    )


def retrained_cached(
    reason: ModelVersionError,
    cached: Path,
    data_sha256: str,
    what: str,
    source: str,
    load_file: Callable[[Path], M],
    retrain: Callable[[], M],
    save_file: Callable[[M, Path], object],
) -> M:
    """The model cached at `cached` when it was trained on this data, else one retrained and
    cached there; each step is said on stderr, so a retrain or a cache use is never silent."""
    if cached.is_file():
        try:
            model = load_file(cached)
        except DigestError as exc:
            _warn(f"ignoring the cached {what}: {exc}")
        else:
            if model.meta.get("data_sha256") == data_sha256:
                _warn(f"{reason}; using the model retrained for it at {cached}")
                return model
    _warn(f"{reason}; retraining the {what} from {source}")
    model = retrain()
    save_file(model, cached)
    _warn(f"retrained {what} cached at {cached}")
    return model


def _warn(message: str) -> None:
    """A warning on stderr, so a retrain or a cache use is never silent."""
    print(f"digest: warning: {message}", file=sys.stderr)


def build_default(path: Path | None = None) -> SectionModel:
    """Train on the shipped corpus and write the shipped model file; returns the model."""
    model = train(corpus_examples())
    save(model, path or default_model_path())
    return model


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default_model_path()
    built = build_default(target)
    cv = built.meta["cv"]
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    print(
        f"{cv['folds']}-fold grouped CV: macro-F1 sections {cv['macro_f1_sections']:.3f}, "
        f"all {cv['macro_f1_all']:.3f}; review threshold {built.meta['threshold']:.2f}"
    )
