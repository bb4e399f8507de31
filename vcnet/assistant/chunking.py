"""Cutting a source into passages along its own structure (Vietnamese legal and office texts).

A decree or a law is read as a tree: Phần > Chương > Mục > Điều > Khoản ("1.") > Điểm ("a)"),
with "-"/"+" bullets and plain paragraphs as leaves; a letter or a plan as sections ("I.", "1.",
"a)") and paragraphs. Each node that fits in `max_chars` (and sits on one page) becomes one
passage; a bigger one is cut between its children, neighbours packed together while they fit;
a paragraph still too long is cut at sentence ends. A passage never crosses an Điều boundary,
and a piece shorter than `min_chars` is merged with its neighbour within the same Điều.

Every passage carries its breadcrumb ("Chương II > Điều 5 > Khoản 2") and the page where it
starts. The title line of an Điều ("Điều 5. Hỗ trợ hộ gia đình") stays in the passage text, so
it can be found; the headings of Phần/Chương/Mục only appear in the breadcrumbs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vcnet.assistant.types import Chunk, SourceText
from vcnet.core.text import nfc

__all__ = ["split"]

SEP = " \u203a "  # a single right-pointing angle quotation mark

# Levels of the tree, outermost first.
PART, CHAPTER, SECTION, ARTICLE, ROMAN, CLAUSE, POINT = range(7)
HEADING_ONLY = (PART, CHAPTER, SECTION)  # their own lines go to the breadcrumb, not the text

_ROMAN = r"[IVXLC]+"
_PART = re.compile(r"^(?:PHẦN|Phần)\s+(THỨ\s+\S+|thứ\s+\S+|[IVXLC]+\b|\d+\b)", re.UNICODE)
_CHAPTER = re.compile(rf"^(?:CHƯƠNG|Chương)\s+({_ROMAN}|\d+)\b\.?", re.UNICODE)
_SECTION = re.compile(rf"^(?:MỤC|Mục)\s+({_ROMAN}|\d+)\b\.?(?:\s|$)", re.UNICODE)
_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(\d{1,3}[a-z]?)\s*([.:]|$|\S)")
_ROMAN_HEAD = re.compile(rf"^({_ROMAN})[.)]\s+\S")
_CLAUSE = re.compile(r"^(?:Khoản\s+)?(\d{1,3}(?:\.\d{1,3})*)[.)]\s+(?=\S)")  # not "15.000 đồng"
_POINT = re.compile(r"^([a-zđ]\d?)\)\s*(?=\S)")
_BULLET = re.compile("^[-+•\u2013\u2014*]\\s+\\S")  # -, +, •, en and em dashes
_SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+")
_TERMINAL = ".!?…;:"
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")


@dataclass
class _Para:
    text: str
    page: int | None


@dataclass
class _Node:
    level: int  # one of the levels above; -1 for the root
    label: str  # "Điều 5", "Khoản 2", ...
    page: int | None
    paras: list[_Para] = field(default_factory=list)  # own text, before the first child
    children: list[_Node | _Para] = field(default_factory=list)  # in reading order

    def items(self) -> list[_Node | _Para]:
        return [*self.paras, *self.children] if self.level not in HEADING_ONLY else self.children


@dataclass
class _Unit:
    """Text that has to stay together, with where it sits and which Điều it belongs to."""

    text: str
    page: int | None
    path: tuple[str, ...]
    article: object  # the enclosing Điều node (or a key shared by text outside any Điều)
    joiner: str = "\n"  # what goes before it in a chunk: a space when it goes on a paragraph


# --- Reading lines into paragraphs ------------------------------------------------------------
def _lines(source: SourceText) -> list[tuple[str, int | None]]:
    """(line, page) in reading order; "" marks a blank line (a paragraph break)."""
    out: list[tuple[str, int | None]] = []
    for page in source.pages:
        text = nfc(page.text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
        for raw in text.split("\n"):
            out.append((_SPACES.sub(" ", raw).strip(), page.page))
        out.append(("", page.page))
    return out


def _marker(line: str, in_article: bool) -> tuple[int, str] | None:
    """The structural level and breadcrumb label a line opens, if it opens one."""
    m = _ARTICLE.match(line)
    if m and (m.group(2) in (".", ":", "") or m.group(2).isupper()):
        return ARTICLE, f"Điều {m.group(1)}"
    if m := _CHAPTER.match(line):
        return CHAPTER, f"Chương {m.group(1)}"
    if m := _PART.match(line):
        return PART, "Phần " + (m.group(1).lower() if m.group(1)[0] in "Tt" else m.group(1))
    if m := _SECTION.match(line):
        return SECTION, f"Mục {m.group(1)}"
    if not in_article and (m := _ROMAN_HEAD.match(line)):
        return ROMAN, f"Mục {m.group(1)}"
    if m := _CLAUSE.match(line):
        number = m.group(1)
        return CLAUSE, f"Khoản {number}" if in_article else f"Mục {number}"
    if m := _POINT.match(line):
        return POINT, f"Điểm {m.group(1)}"
    return None


def _starts_block(line: str) -> bool:
    return bool(_BULLET.match(line))


def _continues(current: list[str], line: str, level: int, heading_line: bool) -> bool:
    """Whether `line` goes on with the paragraph being read (PDF text breaks lines anywhere)."""
    if _starts_block(line):
        return False
    lower_start = line[0].islower()
    if heading_line and level == ARTICLE:
        return lower_start  # an Điều's title ends with its line unless the next one goes on
    if heading_line and level in HEADING_ONLY:
        return line.isupper() or lower_start  # "Chương II" then its name in capitals
    return lower_start or current[-1][-1] not in _TERMINAL


def _parse(source: SourceText) -> _Node:
    root = _Node(level=-1, label="", page=None)
    stack: list[_Node] = [root]
    current: list[str] = []  # lines of the paragraph being read
    current_page: int | None = None
    heading_line = False  # the current paragraph is the line that opened `stack[-1]`

    def flush() -> None:
        nonlocal current, heading_line
        if current:
            para = _Para(" ".join(current), current_page)
            node = stack[-1]
            if heading_line or not (node.children or node.level in HEADING_ONLY):
                node.paras.append(para)
            else:
                node.children.append(para)
        current = []
        heading_line = False

    for line, page in _lines(source):
        if not line:
            flush()
            continue
        in_article = any(n.level == ARTICLE for n in stack)
        marker = _marker(line, in_article)
        if marker is None:
            if current and _continues(current, line, stack[-1].level, heading_line):
                current.append(line)
                continue
            flush()
            current, current_page = [line], page
            continue
        level, label = marker
        if level == CLAUSE and not in_article:
            roman = next((n for n in reversed(stack) if n.level == ROMAN), None)
            if roman is not None:
                label = f"{roman.label}.{label.removeprefix('Mục ')}"  # "Mục II.1"
        flush()
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        node = _Node(level=level, label=label, page=page)
        stack[-1].children.append(node)
        stack.append(node)
        current, current_page = [line], page
        heading_line = True
    flush()
    return root


# --- Packing the tree into chunks ---------------------------------------------------------------
def _text(item: _Node | _Para) -> str:
    if isinstance(item, _Para):
        return item.text
    return "\n".join(_text(child) for child in item.items())


def _pages(item: _Node | _Para) -> set[int | None]:
    if isinstance(item, _Para):
        return {item.page}
    found: set[int | None] = set()
    for child in item.items():
        found |= _pages(child)
    return found


def _first_page(item: _Node | _Para) -> int | None:
    if isinstance(item, _Para):
        return item.page
    for child in item.items():
        return _first_page(child)
    return item.page


def _sentences(text: str, max_chars: int) -> list[str]:
    """`text` cut at sentence ends into pieces of at most `max_chars` (hard cuts if need be)."""
    sentences: list[str] = []
    for part in _SENTENCE_END.split(text):
        if sentences and part and (part[0].islower() or len(sentences[-1]) <= 6):
            sentences[-1] = f"{sentences[-1]} {part}"  # "TP. Hồ Chí Minh" stays, "v.v. và" too
        elif part:
            sentences.append(part)
    pieces: list[str] = []
    for sentence in sentences:
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", max_chars // 2, max_chars)
            cut = cut if cut > 0 else max_chars
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append(sentence)
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1]) + 1 + len(piece) <= max_chars:
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


class _Packer:
    def __init__(self, max_chars: int, min_chars: int) -> None:
        self.max_chars = max_chars
        self.min_chars = min_chars
        self.units: list[list[_Unit]] = []  # each inner list becomes one chunk

    def node(self, node: _Node, path: tuple[str, ...], article: object) -> None:
        if node.level == ARTICLE:
            article = node
        here = (*path, node.label) if node.label else path
        text = _text(node)
        if not text.strip():
            return
        if node.level >= ARTICLE and len(text) <= self.max_chars and len(_pages(node)) == 1:
            self.units.append([_Unit(text, _first_page(node), here, article)])
            return
        self.items(node.items(), here, article, group=node.level >= ARTICLE or node.level < 0)

    def items(
        self, items: list[_Node | _Para], path: tuple[str, ...], article: object, *, group: bool
    ) -> None:
        """Pack consecutive items together while they fit; Điều (and above) stand alone."""
        batch: list[_Unit] = []

        def close() -> None:
            nonlocal batch
            if batch:
                self.units.append(batch)
            batch = []

        for item in items:
            if isinstance(item, _Node) and (item.level <= ARTICLE or not group):
                close()
                self.node(item, path, article)
                continue
            text = _text(item)
            if not text.strip():
                continue
            label = item.label if isinstance(item, _Node) else ""
            child_path = (*path, label) if label else path
            child_article = item if isinstance(item, _Node) and item.level == ARTICLE else article
            pages = _pages(item)
            if len(text) > self.max_chars or len(pages) > 1:
                close()
                if isinstance(item, _Node):
                    self.node(item, path, article)
                else:
                    for n, piece in enumerate(_sentences(text, self.max_chars)):
                        joiner = " " if n else "\n"
                        unit = _Unit(piece, item.page, child_path, child_article, joiner)
                        self.units.append([unit])
                continue
            unit = _Unit(text, _first_page(item), child_path, child_article)
            size = sum(len(u.text) + 1 for u in batch)
            new_page = bool(batch) and unit.page != batch[-1].page and size >= self.min_chars
            if batch and (size + len(text) > self.max_chars or new_page):
                close()
            batch.append(unit)
        close()


def _heading(units: list[_Unit]) -> str:
    paths = [u.path for u in units]
    common: list[str] = []
    for labels in zip(*paths, strict=False):
        if all(label == labels[0] for label in labels):
            common.append(labels[0])
        else:
            break
    deeper = list(dict.fromkeys(p[len(common)] for p in paths if len(p) > len(common)))
    if len(deeper) == 1:
        common.append(deeper[0])
    elif len(deeper) > 1:
        kinds = {label.rsplit(" ", 1)[0] for label in deeper if " " in label}
        if len(kinds) == 1 and all(" " in label for label in deeper):
            last = deeper[-1].rsplit(" ", 1)[1]
            common.append(f"{deeper[0]}\u2013{last}")  # "Khoản 1" to "2", en dash
    return SEP.join(common)


def split(source: SourceText, *, max_chars: int = 900, min_chars: int = 120) -> list[Chunk]:
    """The passages of `source`, in reading order (see the module's docstring)."""
    max_chars = max(max_chars, 50)
    min_chars = max(0, min(min_chars, max_chars // 2))
    packer = _Packer(max_chars, min_chars)
    root = _parse(source)
    packer.node(root, (), None)
    groups = [g for g in packer.units if any(u.text.strip() for u in g)]

    # Tiny pieces join their neighbour (the previous one first) within the same Điều.
    merged: list[list[_Unit]] = []
    for group in groups:
        size = sum(len(u.text) for u in group)
        if merged and merged[-1][0].article is group[0].article:
            previous = sum(len(u.text) for u in merged[-1])
            if size < min_chars or previous < min_chars:
                merged[-1] = merged[-1] + group
                continue
        merged.append(group)
    return [
        Chunk(
            text="".join(f"{u.joiner}{u.text}" for u in group).strip(),
            heading=_heading(group)[:300],
            page=group[0].page,
        )
        for group in merged
    ]
