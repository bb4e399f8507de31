"""Post text: the Markdown subset, hashtags, mentions and links, and nothing executable."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from vcnet.social.text import extract_hashtags, extract_mentions, render_markdown

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">bấm</a>',
    "[bấm](javascript:alert(1))",
    "[bấm](JaVaScRiPt:alert(1))",
    "[bấm](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[bấm](vbscript:msgbox(1))",
    '[a](https://x.vn" onclick="alert(1))',
    "<svg/onload=alert(1)>",
    "<iframe src=https://evil.vn></iframe>",
    "![ảnh](https://evil.vn/x.png)",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "javascript:alert(1)",
    "`<script>alert(1)</script>`",
    "<<script>script>alert(1)<</script>/script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "#<script>alert(1)</script>",
    "@<img src=x onerror=alert(1)>",
    '[x](</social/"onmouseover=alert(1)>)',
    '<a href="https://vcnet.vn" onmouseover="alert(1)">x</a>',
]


class _Tags(HTMLParser):
    """The real elements and attributes of an HTML fragment (escaped text is not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize("payload", XSS)
def test_xss_payloads_are_neutralised(payload: str) -> None:
    for tag, attrs in _elements(render_markdown(payload, handles=[])):
        assert tag in {"p", "br", "strong", "em", "code", "a", "ul", "ol", "li", "blockquote"}
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        if tag == "a":
            assert set(attrs) <= {"href", "rel", "target", "class"}
            assert (attrs["href"] or "").startswith(("https://", "http://", "mailto:", "/social/"))


def test_markdown_subset() -> None:
    html = render_markdown(
        "**Đậm** và *nghiêng* với `mã`\ndòng mới\n\n- một\n- hai\n\n1. ba\n\n> trích dẫn",
        handles=[],
    )
    assert "<strong>Đậm</strong>" in html
    assert "<em>nghiêng</em>" in html
    assert "<code>mã</code>" in html
    assert "<br>" in html
    assert "<ul>" in html and "<ol>" in html and "<li>hai</li>" in html
    assert "<blockquote>" in html


def test_unsupported_blocks_stay_text() -> None:
    html = render_markdown("# Tiêu đề\n\n---\n\n    mã khối\n\n```\nfence\n```", handles=[])
    for tag in ("<h1", "<hr", "<pre", "<img"):
        assert tag not in html
    assert "Tiêu đề" in html


def test_links_external_and_autolinked() -> None:
    html = render_markdown(
        "Xem [Cổng thông tin](https://vcnet.vn/tin) hoặc https://chinhphu.vn/van-ban?id=1. Hỏi mailto:hoi@vcnet.vn",
        handles=[],
    )
    assert (
        '<a href="https://vcnet.vn/tin" rel="nofollow noopener ugc" target="_blank">Cổng thông tin</a>'
        in html
    )
    assert 'href="https://chinhphu.vn/van-ban?id=1"' in html  # the full stop stays outside
    assert 'href="mailto:hoi@vcnet.vn"' in html


def test_hashtags_link_to_folded_tag() -> None:
    html = render_markdown("Hưởng ứng #ChuyểnĐổiSố và #BHYT_2026!", handles=[])
    assert '<a href="/social/tags/chuyendoiso/" class="hashtag">#ChuyểnĐổiSố</a>' in html
    assert '<a href="/social/tags/bhyt_2026/" class="hashtag">#BHYT_2026</a>' in html


def test_no_tags_in_code_links_or_urls() -> None:
    html = render_markdown(
        "`#mã` [#liên_kết](https://vcnet.vn) https://vcnet.vn/#phan", handles=["an"]
    )
    assert 'class="hashtag"' not in html


def test_mentions_only_for_known_handles(db: None) -> None:
    from vcnet.accounts.tests.factories import UserFactory
    from vcnet.social.services.actors import actor_for_user

    actor = actor_for_user(UserFactory(full_name="Nguyễn Văn An", email="an@congdan.vn"))  # type: ignore[arg-type]
    html = render_markdown(f"Chào @{actor.handle.upper()} và @nguoila, thư an@vcnet.vn")
    assert f'<a href="/social/@{actor.handle}/" class="mention">@{actor.handle}</a>' in html
    assert "@nguoila" in html and "/social/@nguoila/" not in html
    assert "an@vcnet.vn" in html and html.count('class="mention"') == 1


def test_extract_hashtags() -> None:
    text = "#ChuyểnĐổiSố #chuyendoiso #BHYT #2026 #lũ_lụt https://x.vn/#frag #Đường"
    assert extract_hashtags(text) == ["ChuyểnĐổiSố", "BHYT", "lũ_lụt", "Đường"]


def test_extract_hashtags_decomposed_input() -> None:
    # The same tag typed with combining accents (NFD) is one word after normalisation.
    assert extract_hashtags("#Chuye\u0302\u0309n") == ["Chuyển"]


def test_extract_mentions() -> None:
    text = "@An @an @binh_2 thư an@vcnet.vn @bình https://vcnet.vn/@khong"
    assert extract_mentions(text) == ["an", "binh_2"]
