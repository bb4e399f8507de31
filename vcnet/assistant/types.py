"""Values passed between the assistant's modules (the contracts between them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourcePage:
    """The text of one page of a source (page None: the source has no pages, e.g. an FAQ)."""

    page: int | None
    text: str


@dataclass(frozen=True)
class SourceText:
    """One source to cut into passages (`knowledge` yields them, `indexing` stores them)."""

    source_type: str  # a SourceType value
    source_id: str
    title: str
    pages: tuple[SourcePage, ...]
    document_id: int | None = None  # e-office documents only
    updated_at: Any = None  # a datetime


@dataclass(frozen=True)
class Chunk:
    """One passage before it is stored: `chunking.split` returns them in reading order."""

    text: str
    heading: str = ""  # e.g. "Chương II › Điều 5 › Khoản 2"  # noqa: RUF003
    page: int | None = None


@dataclass
class Retrieved:
    """A passage retrieval kept for the asker, with the scores of each leg and the fused one."""

    passage_id: int
    source_type: str
    source_id: str
    document_id: int | None
    title: str
    heading: str
    page: int | None
    text: str
    score: float  # reciprocal-rank fusion of the two legs
    lexical_rank: int | None = None  # 1-based, None when the leg missed it
    dense_rank: int | None = None
    dense_score: float | None = None  # cosine similarity
    url: str = ""


@dataclass(frozen=True)
class Citation:
    n: int
    passage_id: int
    source_type: str
    source_id: str
    title: str
    heading: str
    page: int | None
    url: str
    quote: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "passage_id": self.passage_id,
            "source_type": self.source_type,
            "source_id": self.source_id,
            "title": self.title,
            "heading": self.heading,
            "page": self.page,
            "url": self.url,
            "quote": self.quote,
        }


@dataclass
class Answer:
    """What the assistant says: text with [n] markers that point into `citations`."""

    text: str
    mode: str  # an AnswerMode value
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    intent: str = ""
    score: float | None = None
    links: list[dict[str, str]] = field(default_factory=list)  # actions: {"title", "url", "meta"}
