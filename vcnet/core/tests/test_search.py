"""The shared search index: diacritic-insensitive, accent-aware ranking, scopes, odd input, speed."""

from __future__ import annotations

import time

import pytest

from vcnet.core.search import (
    PUBLIC,
    SearchDoc,
    search_index,
    search_index_many,
    search_query,
    search_remove,
)

pytestmark = pytest.mark.django_db


def _titles(q: str, scopes: list[str] | None = None, **kwargs: object) -> list[str]:
    return [h.title for h in search_query(q, scopes=scopes or [PUBLIC], **kwargs)]  # type: ignore[arg-type]


def test_folded_and_accented_queries_find_the_same_text() -> None:
    search_index("document", 1, "Đường lối đổi mới", "Nghị quyết Đại hội VI của Đảng năm 1986.")
    search_index("document", 2, "Kế hoạch tuyên truyền", "Tuyên truyền về chuyển đổi số quốc gia.")
    assert _titles("duong loi") == ["Đường lối đổi mới"]
    assert _titles("Đường lối") == ["Đường lối đổi mới"]
    assert _titles("ĐƯỜNG LỐI ĐỔI MỚI") == ["Đường lối đổi mới"]
    assert _titles("dai hoi") == ["Đường lối đổi mới"]  # words of the body count too
    assert _titles("chuyen doi so") == ["Kế hoạch tuyên truyền"]


def test_the_last_word_matches_as_a_prefix() -> None:
    search_index("document", 1, "Đường lối đổi mới")
    assert _titles("đường lố") == ["Đường lối đổi mới"]


def test_exact_accents_rank_first() -> None:
    search_index("post", "a", "Dương cầm trong đêm")
    search_index("post", "b", "Dường như mùa thu")
    search_index("post", "c", "Con đường mùa xuân")
    search_index("post", "d", "Thời tiết hôm nay")
    hits = search_query("đường", scopes=[PUBLIC])
    assert hits[0].title == "Con đường mùa xuân"
    assert {h.title for h in hits} == {
        "Dương cầm trong đêm",
        "Dường như mùa thu",
        "Con đường mùa xuân",
    }
    assert hits[0].score > hits[1].score
    assert _titles("dương")[0] == "Dương cầm trong đêm"


def test_scopes_filter_every_hit() -> None:
    search_index("document", 1, "Báo cáo công tác tuyên giáo", scope="unit:1")
    search_index("document", 2, "Báo cáo công tác dân vận", scope="unit:2")
    search_index("post", 3, "Báo cáo nhanh", scope=PUBLIC)
    assert set(_titles("bao cao", ["unit:1"])) == {"Báo cáo công tác tuyên giáo"}
    assert set(_titles("bao cao", ["unit:1", PUBLIC])) == {
        "Báo cáo công tác tuyên giáo",
        "Báo cáo nhanh",
    }
    assert _titles("bao cao", ["unit:9"]) == []
    assert search_query("bao cao", scopes=[]) == []
    assert set(_titles("bao cao", ["unit:1", "unit:2", PUBLIC], types=["document"])) == {
        "Báo cáo công tác tuyên giáo",
        "Báo cáo công tác dân vận",
    }


def test_within_limits_hits_to_the_given_ids_inside_the_query() -> None:
    from vcnet.core.models import SearchEntry

    for i in range(1, 6):
        search_index("document", i, f"Công văn số {i} về tuyên truyền")
    allowed = SearchEntry.objects.filter(object_id__in=["2", "4"]).values("object_id").order_by()
    hits = search_query("tuyen truyen", scopes=[PUBLIC], within=allowed, limit=1)
    assert [h.object_id for h in hits] in (["2"], ["4"])  # never one outside, even at limit 1
    hits = search_query("tuyen truyen", scopes=[PUBLIC], within=allowed)
    assert sorted(h.object_id for h in hits) == ["2", "4"]
    nothing = SearchEntry.objects.none().values("object_id")
    assert search_query("tuyen truyen", scopes=[PUBLIC], within=nothing) == []


def test_numbers_and_notations_are_found_by_their_parts() -> None:
    search_index("document", 1, "Công văn 3538/CV-BTGTU về tuyên truyền")
    search_index("document", 2, "Quyết định 15/QĐ-BTG")
    assert _titles("3538") == ["Công văn 3538/CV-BTGTU về tuyên truyền"]
    assert _titles("cv btgtu") == ["Công văn 3538/CV-BTGTU về tuyên truyền"]
    assert _titles("15/QĐ-BTG") == ["Quyết định 15/QĐ-BTG"]
    assert _titles("qd btg") == ["Quyết định 15/QĐ-BTG"]


def test_reindexing_replaces_and_removing_forgets() -> None:
    search_index("document", 7, "Dự thảo lần một", scope="unit:1")
    search_index("document", 7, "Văn bản ban hành", scope=PUBLIC)
    assert _titles("du thao", ["unit:1", PUBLIC]) == []
    assert _titles("van ban ban hanh") == ["Văn bản ban hành"]
    assert _titles("van ban", ["unit:1"]) == []  # the new scope replaced the old one
    assert search_remove("document", 7) is True
    assert _titles("van ban") == []
    assert search_remove("document", 7) is False


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '""',
        "*",
        "-",
        "NEAR(",
        "NEAR(a b",
        "(",
        ")",
        "a OR",
        "AND",
        "title:x",
        "^a",
        "'",
        "",
        "   ",
        "\x00",
        'đường"lối',
        "a & b | !c",
        "x:*",
        "<->",
        "%",
        "_",
    ],
)
def test_odd_input_is_just_text(q: str) -> None:
    search_index("document", 1, "Đường lối đổi mới", "NEAR và OR chỉ là chữ")
    search_query(q, scopes=[PUBLIC])  # no exception


def test_operators_typed_by_users_are_plain_words() -> None:
    search_index("document", 1, "Đường lối đổi mới", "NEAR và OR chỉ là chữ")
    assert _titles("NEAR(đường") == ["Đường lối đổi mới"]
    assert _titles('"đường lối" -đổi') == ["Đường lối đổi mới"]
    assert _titles("OR") == ["Đường lối đổi mới"]


def test_snippet_shows_the_matching_words() -> None:
    body = (
        " ".join(["Mở đầu."] * 40) + " Chuyển đổi số là động lực phát triển. " + "Kết luận. " * 40
    )
    search_index("document", 1, "Nghị quyết", body)
    (hit,) = search_query("chuyen doi so", scopes=[PUBLIC])
    assert "Chuyển đổi số" in hit.snippet
    assert hit.snippet.startswith("… ")


def test_two_thousand_entries_index_in_batches_quickly() -> None:
    docs = (
        SearchDoc(
            "post",
            i,
            f"Bài viết số {i} về đường lối",
            f"Nội dung thứ {i}: tuyên truyền, dân vận.",
            PUBLIC if i % 2 else "unit:1",
        )
        for i in range(2000)
    )
    started = time.perf_counter()
    assert search_index_many(docs, batch_size=1000) == 2000
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, f"indexing 2,000 entries took {elapsed:.2f}s"
    hits = search_query("duong loi", scopes=[PUBLIC], limit=50)
    assert len(hits) == 50 and all(h.scope == PUBLIC for h in hits)
    assert _titles("bai viet so 1999")[0] == "Bài viết số 1999 về đường lối"


def test_bad_documents_are_refused() -> None:
    with pytest.raises(ValueError):
        search_index("", 1, "Tiêu đề")
    with pytest.raises(ValueError):
        search_index("document", 1, "Tiêu đề", scope="")


def test_the_full_text_index_exists_for_this_database() -> None:
    from django.db import connection

    search_index("document", 1, "Đường lối đổi mới")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid, title FROM core_searchentry_fts")
            assert [title for _rowid, title in cursor.fetchall()] == ["duong loi doi moi"]
        elif connection.vendor == "postgresql":
            # The stored vector is the indexed one, or PostgreSQL scans every row.
            cursor.execute("SELECT tsv::text FROM core_searchentry")
            assert cursor.fetchone()[0] == "'doi':3 'duong':1 'loi':2 'moi':4"
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT id FROM core_searchentry WHERE "
                "tsv @@ to_tsquery('simple'::regconfig, 'duong')"
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "core_searchentry_tsv" in plan
