"""The sentiment classifier: its held-out split, the shipped model's quality, its file format.

None of these tests touch the database. The quality test embeds the held-out set (~270 texts,
tens of seconds on a busy 2-core machine), so it is the only one that reads the whole set.
"""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from vcnet.core import embeddings
from vcnet.core.text import fold
from vcnet.opinion import sentiment
from vcnet.opinion.sentiment import LABELS, Classifier, Example


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return sentiment.load_examples()


def test_held_out_split_is_stable_disjoint_and_a_fifth_of_each_class(
    examples: list[Example],
) -> None:
    train_part, held_out = sentiment.split(examples)

    assert sentiment.split(list(reversed(examples))) == (
        list(reversed(train_part)),
        list(reversed(held_out)),
    )
    assert not {fold(e.text) for e in train_part} & {fold(e.text) for e in held_out}
    assert len(train_part) + len(held_out) == len(examples)
    totals = Counter(e.label for e in examples)
    kept = Counter(e.label for e in held_out)
    for label in LABELS:
        assert 0.15 <= kept[label] / totals[label] <= 0.25, (label, kept[label], totals[label])

    # New lines elsewhere never move an old line to the other side.
    added = [
        Example("Trạm y tế xã mới có máy siêu âm, bà con đỡ phải lên huyện.", "positive", "y-te"),
        Example("Cầu dân sinh xuống cấp mấy năm rồi vẫn chưa sửa.", "negative", "giao-thong"),
        Example("Khi nào có lịch chi trả lương hưu tháng sau?", "neutral", "bao-hiem-xa-hoi"),
    ]
    _grown_train, grown_held_out = sentiment.split([*added, *examples])
    assert [e for e in grown_held_out if e not in added] == held_out

    # A line typed without diacritics falls on the same side as its accented twin.
    accented = Example("Thủ tục đổi giấy phép lái xe trực tuyến rất nhanh.", "positive", "x")
    plain = Example("Thu tuc doi giay phep lai xe truc tuyen rat nhanh.", "positive", "x")
    assert fold(accented.text) == fold(plain.text)
    assert len(sentiment.split([accented, plain])[1]) in (0, 2)


def test_shipped_model_scores_at_least_085_macro_f1_on_the_held_out_set() -> None:
    report = sentiment.evaluate()

    assert report.n_test >= 200
    assert report.macro_f1 >= 0.85, sentiment.format_report(report)
    assert sum(map(sum, report.confusion)) == report.n_test
    assert {label: scores[3] for label, scores in report.per_class.items()} == {
        label: sum(row) for label, row in zip(LABELS, report.confusion, strict=True)
    }
    table = sentiment.format_report(report)
    assert f"{report.macro_f1:.3f}" in table
    assert str(report.n_test) in table


def test_new_sentences_get_the_sentiment_a_reader_would_give(examples: list[Example]) -> None:
    sentences = {
        "Cán bộ phường hướng dẫn rất tận tình, cảm ơn nhiều": "positive",
        "Đường ngập cả tuần không ai xử lý, quá bức xúc": "negative",
        "Cho hỏi thủ tục cấp đổi căn cước cho trẻ em cần những giấy tờ gì?": "neutral",
        "Bệnh viện huyện giờ sạch sẽ, bác sĩ khám kỹ, rất hài lòng": "positive",
    }
    known = {fold(e.text) for e in examples}
    assert not known & {fold(text) for text in sentences}  # really new

    results = sentiment.classify(list(sentences))

    assert [label for label, _p in results] == list(sentences.values())
    assert all(0.5 < probability <= 1.0 for _label, probability in results)


def test_model_file_round_trips_and_a_pickled_file_is_refused(tmp_path: Path) -> None:
    shipped = sentiment.model()
    vectors = np.random.default_rng(0).normal(size=(5, embeddings.DIM)).astype(np.float32)
    path = tmp_path / "model.npz"

    shipped.save(path)
    again = Classifier.load(path)

    assert again.labels == LABELS
    np.testing.assert_array_equal(again.coef, shipped.coef)
    assert again.predict(vectors) == shipped.predict(vectors)
    assert np.allclose(again.predict_proba(vectors).sum(axis=1), 1.0)

    pickled = tmp_path / "pickled.npz"
    pickled.write_bytes(pickle.dumps(shipped))
    with pytest.raises(ValueError):
        Classifier.load(pickled)


def test_empty_input_gives_no_results() -> None:
    assert sentiment.classify([]) == []
    assert sentiment.classify_vectors(np.zeros((0, embeddings.DIM), dtype=np.float32)) == []
