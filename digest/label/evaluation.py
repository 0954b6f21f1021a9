"""Measuring the section model: the estimator recipe, grouped cross-validation and the report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from joblib import Parallel, delayed
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.svm import LinearSVC

from digest.errors import DigestError
from digest.label.examples import LABELS, SECTION_LABELS, Example, check_trainable

CALIBRATION_FOLDS = 5  # inner grouped folds that fit the isotonic calibration
TARGET_CATCH = 0.75  # the review threshold must flag at least this share of CV errors
THRESHOLD_GRID = tuple(round(float(t), 2) for t in np.arange(0.30, 0.96, 0.01))


class _Predicts(Protocol):
    def predict(self, texts: Sequence[str]) -> Sequence[Any]: ...


def build_estimator(examples: Sequence[Example], seed: int) -> Pipeline:
    """The untrained recipe: word+char TF-IDF, linear SVM, isotonic calibration on grouped folds."""
    labels = [ex.label for ex in examples]
    groups = [ex.group for ex in examples]
    inner = StratifiedGroupKFold(CALIBRATION_FOLDS, shuffle=True, random_state=seed)
    splits = list(inner.split(np.zeros(len(labels)), labels, groups))
    words = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, strip_accents="unicode"
    )
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    svm = LinearSVC(C=1.0, random_state=seed)
    calibrated = CalibratedClassifierCV(svm, method="isotonic", cv=splits, ensemble=False)
    return make_pipeline(make_union(words, chars), calibrated)


def fit_estimator(examples: Sequence[Example], seed: int) -> Pipeline:
    """Fit the recipe on examples; sklearn's complaints become a DigestError."""
    check_trainable(examples, CALIBRATION_FOLDS)
    estimator = build_estimator(examples, seed)
    try:
        estimator.fit([ex.text for ex in examples], [ex.label for ex in examples])
    except ValueError as exc:
        raise DigestError(f"cannot train the section model: {exc}") from exc
    for _, vectorizer in estimator[0].transformer_list:
        vectorizer.stop_words_ = None  # the pruned terms are not needed to predict; keep it small
    return estimator


def label_probs(estimator: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """Calibrated probabilities, one row per text, columns in LABELS order."""
    probs = estimator.predict_proba(list(texts))
    order = [list(estimator.classes_).index(label) for label in LABELS]
    return probs[:, order]


def cross_validate(examples: Sequence[Example], folds: int = 5, seed: int = 0) -> dict:
    """Out-of-fold scores with folds grouped by url; adds the review threshold chosen from them."""
    check_trainable(examples, 2 * folds)
    labels = [ex.label for ex in examples]
    outer = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    splits = list(outer.split(np.zeros(len(labels)), labels, [ex.group for ex in examples]))
    parts = Parallel(n_jobs=2)(delayed(_fold_probs)(examples, split, seed) for split in splits)
    probs = np.zeros((len(examples), len(LABELS)))
    for (_, test), part in zip(splits, parts, strict=True):
        probs[test] = part
    report = report_from(labels, probs)
    report.update(folds=folds, seed=seed, review=choose_threshold(labels, probs))
    return report


def _fold_probs(examples: Sequence[Example], split: tuple, seed: int) -> np.ndarray:
    """Train on one fold's training part and return probabilities for its test part."""
    train_idx, test_idx = split
    estimator = fit_estimator([examples[i] for i in train_idx], seed)
    return label_probs(estimator, [examples[i].text for i in test_idx])


def evaluate(model: _Predicts, examples: Sequence[Example]) -> dict:
    """Score a trained model on held-out examples: the same report as cross_validate gives."""
    if not examples:
        raise DigestError("cannot evaluate on an empty set of examples")
    predictions = model.predict([ex.text for ex in examples])
    probs = np.array([[p.probs[label] for label in LABELS] for p in predictions])
    return report_from([ex.label for ex in examples], probs)


def report_from(truth: Sequence[str], probs: np.ndarray) -> dict:
    """The report for true labels and a LABELS-ordered probability matrix."""
    predicted = [LABELS[i] for i in probs.argmax(axis=1)]
    p, r, f, s = precision_recall_fscore_support(
        truth, predicted, labels=list(LABELS), zero_division=0
    )
    per_label = {
        label: {"precision": float(pi), "recall": float(ri), "f1": float(fi), "support": int(si)}
        for label, pi, ri, fi, si in zip(LABELS, p, r, f, s, strict=True)
    }
    matrix = confusion_matrix(truth, predicted, labels=list(LABELS))
    present = set(truth) | set(predicted)  # labels absent from both would only add zeros
    return {
        "n_examples": len(truth),
        "accuracy": float(np.mean(np.array(truth) == np.array(predicted))),
        "macro_f1_sections": _macro(per_label, [x for x in SECTION_LABELS if x in present]),
        "macro_f1_all": _macro(per_label, [x for x in LABELS if x in present]),
        "per_label": per_label,
        "confusion": {"labels": list(LABELS), "matrix": matrix.tolist()},
        **calibration(truth, probs),
    }


def _macro(per_label: dict, labels: list[str]) -> float:
    """The mean F1 over the given labels (0 when there are none)."""
    return float(np.mean([per_label[x]["f1"] for x in labels])) if labels else 0.0


def calibration(truth: Sequence[str], probs: np.ndarray, bins: int = 10) -> dict:
    """Multiclass Brier score and the top label's expected calibration error (10 bins)."""
    onehot = np.array([[float(t == label) for label in LABELS] for t in truth])
    brier = float(np.mean(np.sum((probs - onehot) ** 2, axis=1)))
    confidence = probs.max(axis=1)
    correct = onehot[np.arange(len(truth)), probs.argmax(axis=1)]
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return {"brier": brier, "ece": float(ece)}


def choose_threshold(truth: Sequence[str], probs: np.ndarray) -> dict:
    """The lowest confidence cut whose flagged items hold at least TARGET_CATCH of the errors."""
    confidence = probs.max(axis=1)
    wrong = np.array([LABELS[i] != t for i, t in zip(probs.argmax(axis=1), truth, strict=True)])
    threshold = THRESHOLD_GRID[-1]
    for cut in THRESHOLD_GRID:
        if not wrong.any() or (wrong & (confidence < cut)).sum() >= TARGET_CATCH * wrong.sum():
            threshold = cut
            break
    flagged = confidence < threshold
    return {
        "threshold": threshold,
        "flagged_share": float(flagged.mean()),
        "errors": int(wrong.sum()),
        "errors_caught": int((wrong & flagged).sum()),
        "target_catch": TARGET_CATCH,
    }


def format_report(report: dict) -> str:
    """The human-readable report: per-label P/R/F1, both macro-F1s, calibration, confusion."""
    lines = [f"{'label':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}"]
    for label, row in report["per_label"].items():
        lines.append(
            f"{label:<14}{row['precision']:>10.3f}{row['recall']:>10.3f}"
            f"{row['f1']:>10.3f}{row['support']:>9d}"
        )
    lines += [
        "",
        f"macro-F1 (four sections): {report['macro_f1_sections']:.3f}",
        f"macro-F1 (all labels):    {report['macro_f1_all']:.3f}",
        f"accuracy: {report['accuracy']:.3f}   brier: {report['brier']:.3f}   "
        f"ece: {report['ece']:.3f}",
    ]
    if "review" in report:
        rv = report["review"]
        lines.append(
            f"review threshold {rv['threshold']:.2f}: flags {rv['flagged_share']:.1%} of items, "
            f"catching {rv['errors_caught']} of {rv['errors']} errors"
        )
    return "\n".join(lines + ["", *_confusion_lines(report["confusion"])])


def _confusion_lines(confusion: dict) -> list[str]:
    """The confusion matrix as text: rows are true labels, columns predicted ones."""
    short = [label[:8] for label in confusion["labels"]]
    header = " " * 14 + "".join(f"{s:>9}" for s in short)
    lines = ["confusion (rows: true, columns: predicted)", header]
    for label, row in zip(confusion["labels"], confusion["matrix"], strict=True):
        lines.append(f"{label:<14}" + "".join(f"{n:>9d}" for n in row))
    return lines
