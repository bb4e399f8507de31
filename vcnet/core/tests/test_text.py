import unicodedata

from vcnet.core.text import fold


def test_fold_strips_tones_and_maps_d() -> None:
    assert fold("Đường lối") == "duong loi"
    assert fold("ĐẢNG CỘNG SẢN Việt Nam") == "dang cong san viet nam"


def test_fold_treats_decomposed_text_like_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nghị quyết số 15")
    assert fold(decomposed) == fold("Nghị quyết số 15") == "nghi quyet so 15"


def test_fold_collapses_whitespace() -> None:
    assert fold("  Hà   Nội\n") == "ha noi"
