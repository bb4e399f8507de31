"""Plain values passed between the opinion app's modules (no database access here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ItemDraft:
    """One piece of content read from a source, before it is stored and analysed.

    `external_id` identifies it within its source (a feed item's link, a post's id, a clipping's
    URL or a hash of its text), so reading the same content twice stores it once.
    """

    external_id: str
    kind: str  # models.ItemKind
    text: str
    published_at: datetime  # aware
    title: str = ""
    url: str = ""
    province: str = ""  # when the source says; otherwise the pipeline detects it


@dataclass
class RowError:
    """A row of an imported file that could not be read, with the reason shown to the user."""

    row: int  # 1-based, as spreadsheet programs number rows (the header is row 1)
    message: str


@dataclass
class ImportResult:
    """What an imported file of press clippings gave: the drafts and the rows refused."""

    drafts: list[ItemDraft] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
