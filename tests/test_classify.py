"""Tests for the section classifier: reading data, quality floors, the model file, predictions."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import pytest
import sklearn

from digest.errors import DigestError
from digest.label.examples import CORPUS_PATH, examples_sha256, file_sha256
from digest.label.model import (
    LABELS,
    Example,
    ModelVersionError,
    SectionModel,
    corpus_examples,
    cross_validate,
    default_model_path,
    evaluate,
    format_report,
    load,
    load_default,
    read_jsonl,
    save,
    train,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "classify"
FLOORS = json.loads((Path(__file__).parent / "floors" / "classification.json").read_text())
BAD_CASES = json.loads((FIXTURES / "bad_lines.json").read_text())["cases"]
OWN_TEXTS = json.loads((FIXTURES / "own_texts.json").read_text())["texts"]


@pytest.fixture(scope="module")
def model() -> SectionModel:
    """The shipped model, loaded once for the module."""
    return load_default()


def _metric(report: dict, name: str) -> float:
    """A report value by floor name: 'f1.<label>' or a top-level key."""
    if name.startswith("f1."):
        return report["per_label"][name[3:]]["f1"]
    return report[name]


def test_corpus_is_the_one_the_floors_were_measured_on():
    """A corpus edit must come with re-measured floors: the pinned hash catches it."""
    assert (ROOT / FLOORS["corpus"]).resolve() == CORPUS_PATH
    assert file_sha256(CORPUS_PATH) == FLOORS["corpus_sha256"]


def test_grouped_cross_validation_meets_the_floors():
    """Grouped 5-fold CV on the shipped corpus stays at or above the pinned floors."""
    report = cross_validate(corpus_examples(), folds=FLOORS["folds"], seed=FLOORS["seed"])
    low = {
        k: round(_metric(report, k), 3) for k, v in FLOORS["min"].items() if _metric(report, k) < v
    }
    high = {
        k: round(_metric(report, k), 3) for k, v in FLOORS["max"].items() if _metric(report, k) > v
    }
    assert not low and not high, f"under floor: {low}; over ceiling: {high}"
    review = report["review"]
    assert review["errors_caught"] >= review["target_catch"] * review["errors"]
    assert sum(map(sum, report["confusion"]["matrix"])) == report["n_examples"] == 454


@pytest.mark.parametrize("case", BAD_CASES, ids=[c["name"] for c in BAD_CASES])
def test_read_jsonl_names_the_bad_line(tmp_path, case):
    """Each kind of bad input raises DigestError naming the file and line."""
    path = tmp_path / "train.jsonl"
    path.write_text("".join(line + "\n" for line in case["lines"]), encoding="utf-8")
    with pytest.raises(DigestError) as caught:
        read_jsonl(path)
    assert str(caught.value).endswith(case["expect"])


def test_read_jsonl_groups_by_url_else_line():
    """The CV group is the url, or the line id when a record has none."""
    examples = read_jsonl(FIXTURES / "good.jsonl")
    assert [e.label for e in examples] == ["military", "political", "human_rights"]
    assert [e.group for e in examples] == [
        "https://example.org/a",
        "good.jsonl:2",
        "https://example.org/c",
    ]


def test_read_jsonl_missing_file(tmp_path):
    """A missing training file is a clear DigestError."""
    with pytest.raises(DigestError, match="no such training file"):
        read_jsonl(tmp_path / "absent.jsonl")


def test_corpus_has_every_label():
    """The shipped corpus covers all five labels and its 445 pages."""
    examples = corpus_examples()
    assert {e.label for e in examples} == set(LABELS)
    assert len({e.group for e in examples}) == 445


def test_meta_describes_the_shipped_model(model):
    """The shipped model records its sklearn version, data hash, threshold and CV scores."""
    meta = model.meta
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["data_sha256"] == examples_sha256(corpus_examples())
    assert meta["n_examples"] == 454
    assert meta["labels"] == list(LABELS)
    assert isinstance(meta["threshold"], float) and 0.3 <= meta["threshold"] < 1.0
    assert meta["cv"]["macro_f1_sections"] >= FLOORS["min"]["macro_f1_sections"]
    assert meta["cv"]["f1"]["off_topic"] >= FLOORS["min"]["f1.off_topic"]
    assert meta["trained_at"][:2] == "20" and "T" in meta["trained_at"]


def test_shipped_model_file_is_small():
    """The shipped model stays under 5 MB."""
    assert default_model_path().stat().st_size < 5_000_000


@pytest.mark.parametrize(
    "case", OWN_TEXTS, ids=[c["expect"] + str(i) for i, c in enumerate(OWN_TEXTS)]
)
def test_predicts_texts_written_for_the_test(model, case):
    """Texts written for the test get the section an editor would give them."""
    [prediction] = model.predict([case["text"]])
    assert prediction.label == case["expect"], prediction.probs
    assert prediction.score == prediction.probs[prediction.label]
    assert set(prediction.probs) == set(LABELS)
    assert sum(prediction.probs.values()) == pytest.approx(1.0)


def test_evaluate_on_own_texts(model):
    """evaluate() scores a model on given examples and format_report() shows it."""
    examples = [Example(c["text"], c["expect"], f"own-{i}") for i, c in enumerate(OWN_TEXTS)]
    report = evaluate(model, examples)
    assert report["macro_f1_all"] == 1.0
    assert {r["support"] for r in report["per_label"].values()} == {2}
    text = format_report(report)
    assert "macro-F1 (four sections): 1.000" in text and "human_rights" in text


def test_empty_text_is_refused(model):
    """An empty text raises rather than getting a guessed label."""
    with pytest.raises(DigestError, match="text #1: it is empty"):
        model.predict(["Troops crossed the border.", "  "])
    assert model.predict([]) == []


def test_save_load_round_trip(model, tmp_path):
    """A saved model loads back with the same meta and predictions."""
    path = tmp_path / "sub" / "model.joblib"
    save(model, path)
    again = load(path)
    assert again.meta == model.meta
    texts = [c["text"] for c in OWN_TEXTS]
    assert again.predict(texts) == model.predict(texts)


def test_load_missing_or_corrupt_file(tmp_path):
    """Missing, unreadable and foreign files each raise a clear DigestError."""
    with pytest.raises(DigestError, match="no such model file"):
        load(tmp_path / "absent.joblib")
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"this is not a pickle at all")
    with pytest.raises(DigestError, match="corrupt model file"):
        load(broken)
    foreign = tmp_path / "foreign.joblib"
    joblib.dump(["a", "list"], foreign)
    with pytest.raises(DigestError, match="not a digest section model file"):
        load(foreign)


def test_truncated_estimator_is_reported(model, tmp_path):
    """A model file whose estimator bytes are cut short is reported as corrupt."""
    path = tmp_path / "model.joblib"
    save(model, path)
    payload = joblib.load(path)
    payload["estimator"] = payload["estimator"][:1000]
    joblib.dump(payload, path)
    with pytest.raises(DigestError, match="corrupt model file"):
        load(path)


def test_too_few_examples_to_train():
    """Training on too few distinct pages per label is refused with a reason."""
    examples = [Example(f"text {i}", label, f"u{i}") for i, label in enumerate(LABELS * 3)]
    with pytest.raises(DigestError, match="each label needs examples from at least"):
        train(examples)


def test_other_sklearn_version_is_retrained_and_cached(model, tmp_path, capsys):
    """A model from another sklearn version is retrained, cached and reused, with warnings."""
    old = tmp_path / "old.joblib"
    save(SectionModel(model.estimator, {**model.meta, "sklearn_version": "0.0.1"}), old)
    with pytest.raises(ModelVersionError, match="scikit-learn 0.0.1"):
        load(old)
    cache = tmp_path / "cache"
    fresh = load_default(old, cache)
    err = capsys.readouterr().err
    assert "scikit-learn 0.0.1" in err and "retraining the section model" in err
    assert fresh.meta["sklearn_version"] == sklearn.__version__
    assert fresh.meta["data_sha256"] == model.meta["data_sha256"]
    assert [p.name for p in cache.iterdir()] == [
        f"section_model-sklearn-{sklearn.__version__}.joblib"
    ]
    again = load_default(old, cache)
    err = capsys.readouterr().err
    assert "using the model retrained for it" in err and "retraining" not in err
    assert again.meta["trained_at"] == fresh.meta["trained_at"]
