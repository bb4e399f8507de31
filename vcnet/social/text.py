"""Post text: a safe Markdown subset rendered to HTML, with #hashtags, @mentions and bare links.

markdown-it-py parses with raw HTML off and only the rules a post needs; a core rule turns bare
URLs, hashtags and mentions inside plain text into link tokens (never inside code or an existing
link); nh3 then cleans the result with a strict allow-list, so no markup from the author survives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from vcnet.core.text import fold, nfc

HASHTAG_RE = re.compile(r"(?<![\w#&/])#(\w*[^\W\d_]\w*)")
HANDLE_RE = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_]{1,30})(?![\w@])")
URL_RE = re.compile(r"(?<![\w/])(?:https?://|mailto:)[^\s<>\"'`]+", re.IGNORECASE)

SCHEMES = ("http://", "https://", "mailto:")
EXTERNAL_REL = "nofollow noopener ugc"
ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "a", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "rel", "target"}, "ol": {"start"}}
ALLOWED_CLASSES = {"a": {"hashtag", "mention"}}
_TRAILING = ".,;:!?'\")]}"


def _valid_link(url: str) -> bool:
    return url.strip().lower().startswith(SCHEMES)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    md.disable(["code", "fence", "heading", "lheading", "hr", "html_block", "reference"])
    md.disable(["image", "html_inline"])
    md.validateLink = _valid_link  # type: ignore[method-assign]
    md.core.ruler.push("vcnet_links", _link_text)
    md.add_render_rule("link_open", _render_link_open)
    return md


def _render_link_open(
    self: object, tokens: list[Token], idx: int, options: object, env: object
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    css = str(token.attrGet("class") or "")
    out = '<a href="' + _escape(href) + '"'
    if css:
        out += ' class="' + _escape(css) + '"'
    else:
        out += ' rel="' + EXTERNAL_REL + '" target="_blank"'
    return out + ">"


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _trim_url(url: str) -> str:
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _link_tokens(href: str, label: str, css: str = "") -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrSet("href", href)
    if css:
        opening.attrSet("class", css)
    text = Token("text", "", 0)
    text.content = label
    return [opening, text, Token("link_close", "a", -1)]


def _split_text(content: str, handles: set[str]) -> list[Token] | None:
    """Plain text with its URLs, hashtags and known mentions turned into links (None if none)."""
    spans: list[tuple[int, int, list[Token]]] = []
    for m in URL_RE.finditer(content):
        url = _trim_url(m.group(0))
        if _valid_link(url) and len(url) > len("https://"):
            spans.append((m.start(), m.start() + len(url), _link_tokens(url, url)))

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _t in spans)

    for m in HASHTAG_RE.finditer(content):
        if free(m.start(), m.end()):
            name = m.group(1)
            href = "/social/tags/" + quote(fold(name)) + "/"
            spans.append((m.start(), m.end(), _link_tokens(href, "#" + name, "hashtag")))
    for m in HANDLE_RE.finditer(content):
        handle = m.group(1).lower()
        if handle in handles and free(m.start(), m.end()):
            href = "/social/@" + handle + "/"
            spans.append((m.start(), m.end(), _link_tokens(href, "@" + handle, "mention")))
    if not spans:
        return None
    spans.sort(key=lambda span: span[0])
    out: list[Token] = []
    pos = 0
    for start, end, tokens in spans:
        if start > pos:
            out.append(_text_token(content[pos:start]))
        out.extend(tokens)
        pos = end
    if pos < len(content):
        out.append(_text_token(content[pos:]))
    return out


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link_text(state: StateCore) -> None:
    handles: set[str] = state.env.get("handles", set())
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        depth = 0
        for token in block.children:
            if token.type == "link_open":
                depth += 1
            elif token.type == "link_close":
                depth -= 1
            replaced = (
                _split_text(token.content, handles) if token.type == "text" and depth == 0 else None
            )
            children.extend(replaced if replaced is not None else [token])
        block.children = children


_MD = _parser()


def extract_hashtags(text: str) -> list[str]:
    """The hashtags in `text` as typed (without '#'), first spelling of each, in order."""
    seen: dict[str, str] = {}
    for name in HASHTAG_RE.findall(_without_urls(nfc(text))):
        seen.setdefault(fold(name), name[:100])
    return list(seen.values())


def extract_mentions(text: str) -> list[str]:
    """The @handles in `text`, lower-case, each once, in order."""
    seen: dict[str, None] = {}
    for handle in HANDLE_RE.findall(_without_urls(nfc(text))):
        seen.setdefault(handle.lower(), None)
    return list(seen)


def _without_urls(text: str) -> str:
    # A URL's fragment ("...#top") or path ("/@an") is not a tag or a mention.
    return URL_RE.sub(" ", text)


def _known_handles(handles: Iterable[str]) -> set[str]:
    wanted = list(handles)
    if not wanted:
        return set()
    from vcnet.social.models import Actor

    return set(Actor.objects.filter(handle__in=wanted).values_list("handle", flat=True))


def render_markdown(text: str, *, handles: Iterable[str] | None = None) -> str:
    """Safe HTML for a post's text; `handles` (known actors) skips the database look-up."""
    text = nfc(text)
    known = (
        {h.lower() for h in handles}
        if handles is not None
        else _known_handles(extract_mentions(text))
    )
    html = _MD.render(text, {"handles": known})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    ).strip()
