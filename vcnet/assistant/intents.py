"""Requests to the e-office that the assistant answers itself: "which of my documents are due
soon?", "how many documents are waiting for me?", "find the letters about floods this year".

`recognise` is rule-based and deliberately narrow: it works on the folded question (diacritics
ignored, đ→d), so "văn bản sắp đến hạn" and "van ban sap den han" are the same request, and it
answers None for anything that reads like a question about a subject ("chính sách hỗ trợ hộ
nghèo là gì?"), which retrieval answers from the documents instead. A false action answer hides
the real answer, so when in doubt the question is not an action.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from vcnet.core.text import fold, nfc
from vcnet.documents.types_data import DOCUMENT_TYPES

__all__ = ["INTENTS", "Intent", "recognise"]

DUE_SOON = "due_soon"
OVERDUE = "overdue"
PENDING_COUNT = "pending_count"
FIND_DOCUMENTS = "find_documents"
INTENTS = (DUE_SOON, OVERDUE, PENDING_COUNT, FIND_DOCUMENTS)


@dataclass(frozen=True)
class Intent:
    """A recognised request: its name (one of `INTENTS`) and what it asks for.

    find_documents params (all optional): query (the topic as typed, with its diacritics),
    doc_type (the type's name, e.g. "Công văn"), doc_type_code ("cong-van"), year, month,
    date_from / date_to (ISO dates of the period asked for, e.g. "năm nay", "tháng này").
    """

    name: str
    params: dict[str, Any] = field(default_factory=dict)


# --- Vocabulary (folded) ---------------------------------------------------------------------

# The document types, longest name first so "thông báo" never wins over a longer one.
_TYPES: list[tuple[str, str, str]] = sorted(
    ((fold(name), code, name) for code, name, *_rest in DOCUMENT_TYPES),
    key=lambda entry: -len(entry[0]),
)
_TYPE_BY_FOLDED = {folded: (code, name) for folded, code, name in _TYPES}
# Words for "a document" that name no type.
_GENERIC = ("van ban", "vb", "tai lieu")
_NOUN = "|".join(re.escape(folded) for folded in [*(t[0] for t in _TYPES), *_GENERIC])
# Words for "a piece of work" (only for deadlines and waiting work, not for finding).
_WORK = r"(?:van ban|vb|cong van|viec|cong viec|nhiem vu|ho so)"

# A question about a subject, not a request to the e-office.
_QUESTION = re.compile(
    r"\b(?:gi|la sao|ra sao|the nao|lam sao|bao lau|tai sao|vi sao|nghia la|khai niem|"
    r"co duoc|duoc khong|duoc phep|dieu kien|muc huong|bao nhieu tien|quy dinh ve|"
    r"quy dinh nhu|theo quy dinh|(?:trong )?bao nhieu ngay|thoi han (?:giai quyet|xu ly)|nhu nao|la bao nhieu|toi da (?:bao nhieu|la|may|\d+)|toi thieu|ai (?:la|ky|ban hanh|chiu trach nhiem)|khi nao thi)\b"
)
_FIND_VERB = re.compile(
    r"^(?:(?:ban|tro ly)(?: oi)? )?(?:(?:hay|xin|vui long|lam on|giup (?:toi|minh|em)|"
    r"nho|can) )*"
    r"(?:tim kiem|tim giup(?: (?:toi|minh|em))?|tim|tra cuu|tra|liet ke|loc|hien thi|"
    r"cho (?:toi|minh|em) (?:xem|danh sach)|xem|danh sach)\b(?! hieu)"
)
_DUE_SOON = re.compile(
    r"\b(?:sap|gan|sap sua|chuan bi) (?:den|toi|het|dao|qua)? ?han\b"
    r"|\b(?:den|toi|het) han (?:trong |vao )?(?:tuan nay|hom nay|ngay mai|may ngay toi|"
    r"(?:\d+|bay|7) ngay toi)\b"
    r"|\bhan (?:xu ly )?(?:trong |vao )?(?:tuan nay|may ngay toi|(?:\d+|bay|7) ngay toi)\b"
    r"|\bcan (?:xu ly|hoan thanh|giai quyet) (?:trong |truoc )?(?:tuan nay|may ngay toi)\b"
)
_OVERDUE = re.compile(
    r"\b(?:qua han|tre han|tre hen|(?:da|bi) het han|het han ma chua|tre tien do|cham tien do)\b"
)
_PENDING = re.compile(
    r"\b(?:(?:cho|chua|can|phai|dang cho|con phai) (?:xu ly|giai quyet|hoan thanh|lam|"
    r"but phe|phe duyet|duyet|ky|vao so)|ton dong|con ton|dang xu ly|chua xong|dang cho)\b"
)
_COUNT = re.compile(r"\b(?:bao nhieu|may|so luong|tong so|dem)\b")
# "I" (tôi, mình, em), not "tối đa" or "tới hạn", which fold to the same letters.
_ME = re.compile(r"\b(?:toi|minh|em)\b(?! (?:da|thieu|uu|nay|qua|han|hom|muon|sang))")
# "tôi còn bao nhiêu việc", "tôi có mấy văn bản": the asker's own work.
_MY_COUNT = re.compile(
    rf"\b(?:toi|minh|em) (?:(?:con|co|dang|hien|van|con phai) )*(?:bao nhieu|may) "
    rf"(?:cai )?{_WORK}\b"
)

# Periods, in the order they are tried; each gives (date_from, date_to, year, month).
_MONTHS = r"(?:1[0-2]|0?[1-9])"
_PERIOD = re.compile(
    r"\b(?:(?:trong|cua|tu dau|vao|duoc ban hanh|ban hanh) )?(?:"
    r"(?P<this_year>nam nay|tu dau nam|nam hien tai)"
    r"|(?P<last_year>nam ngoai|nam truoc|nam qua|nam roi)"
    r"|thang (?P<month>" + _MONTHS + r")(?:[ /](?:nam )?(?P<month_year>(?:19|20)\d\d))?"
    r"|nam (?P<year>(?:19|20)\d\d)"
    r"|(?P<this_month>thang nay|thang hien tai)"
    r"|(?P<last_month>thang truoc|thang roi|thang qua)"
    r"|(?P<this_week>tuan nay)"
    r"|(?P<last_week>tuan truoc|tuan roi|tuan qua)"
    r"|(?P<today>hom nay)"
    r")\b"
)
# Words around the topic that are not part of it.
_LEAD = re.compile(
    r"^(?:(?:nao|gi|cac|nhung|mot so|tat ca|moi nhat|gan day|cua toi|cua minh|"
    r"ve viec|ve van de|v/v|v v|vv|ve|lien quan (?:den|toi)|noi ve|co noi dung|voi noi dung|"
    r"co chu de|chu de|de cap (?:den|toi)|ban hanh|da ban hanh|duoc ban hanh|co|cua|"
    r"trong|ma|la|so) )+"
)
_TRAIL = re.compile(
    r"(?: (?:khong|ko|nao|nhe|nha|di|voi|a|ah|giup (?:toi|minh|em)|cho (?:toi|minh|em)|"
    r"dum|trong|cua|moi nhat|gan day|cua toi|cua minh|duoc|ban hanh|da ban hanh|"
    r"duoc ban hanh|ve|vay))+$"
)
_TOKEN = re.compile(r"[^\W_]+(?:[/.-][^\W_]+)*", re.UNICODE)


def recognise(question: str, *, today: dt.date | None = None) -> Intent | None:
    """The e-office request in `question`, or None when it is not one (then retrieval answers).

    `today` fixes "this year", "this month" (the local date by default).
    """
    tokens = _TOKEN.findall(nfc(question or ""))
    folded_tokens = [fold(token) for token in tokens]
    text = " ".join(folded_tokens)
    if not text or len(tokens) > 40:
        return None
    find = _FIND_VERB.search(text)
    # "văn bản nào", "việc gì" ask which documents, not what something is.
    probe = re.sub(rf"\b({_WORK}|{_NOUN}) (?:gi|nao)\b", r"\1", text)
    if _QUESTION.search(probe) and find is None:
        return None
    has_work = re.search(rf"\b{_WORK}\b", text) is not None
    if has_work and _DUE_SOON.search(text):
        return Intent(DUE_SOON, {"days": 7})
    if has_work and _OVERDUE.search(text):
        return Intent(OVERDUE, {})
    if has_work and _PENDING.search(text) and (_COUNT.search(text) or _ME.search(text) or find):
        return Intent(PENDING_COUNT, {})
    if _MY_COUNT.search(text) and find is None:
        return Intent(PENDING_COUNT, {})
    return _find_documents(tokens, text, find, today or timezone.localdate())


def _find_documents(
    tokens: list[str], text: str, find: re.Match[str] | None, today: dt.date
) -> Intent | None:
    """ "tìm công văn về phòng chống lũ lụt năm nay" and its variants, or None."""
    if find is not None:
        rest = text[find.end() :].lstrip()
    elif re.match(rf"^(?:co )?(?:cac |nhung )?(?:{_NOUN}) nao (?:ve|lien quan)\b", text):
        # "có công văn nào về lũ lụt không?"
        rest = text[3:] if text.startswith("co ") else text
    else:
        return None
    noun = re.match(
        rf"^(?:(?:giup|cho) (?:toi|minh|em) )?(?:(?:cac|nhung|mot so|tat ca|moi) )*"
        rf"(?P<noun>{_NOUN})\b",
        rest,
    )
    if noun is None:
        return None
    params: dict[str, Any] = {}
    typed = _TYPE_BY_FOLDED.get(noun.group("noun"))
    if typed is not None:
        params["doc_type_code"], params["doc_type"] = typed
    # What follows the noun, back in the question's own letters (token for token).
    start = _token_index(text, len(text) - len(rest) + noun.end() + 1)
    topic_tokens = list(range(start, len(tokens)))
    folded_rest = " ".join(fold(tokens[i]) for i in topic_tokens)
    period = _PERIOD.search(folded_rest)
    if period is not None:
        dates = _period_dates(period, today)
        if dates is None:
            return None
        params.update(dates)
        first = _token_index(folded_rest, period.start())
        last = _token_index(folded_rest, period.end() - 1) + 1
        topic_tokens = topic_tokens[:first] + topic_tokens[last:]
    query = _topic(tokens, topic_tokens)
    if query:
        params["query"] = query
    return Intent(FIND_DOCUMENTS, params)


def _token_index(text: str, offset: int) -> int:
    """Which space-separated token of `text` the character at `offset` belongs to."""
    return text[:offset].count(" ")


def _topic(tokens: list[str], indexes: list[int]) -> str:
    """The topic words, without the connecting words around them ("về", "nào", "không")."""
    words = [tokens[i] for i in indexes]
    folded = " ".join(fold(word) for word in words)
    lead = _LEAD.match(folded + " ")
    skip = _token_index(folded + " ", lead.end()) if lead else 0
    words = words[skip:]
    folded = " ".join(fold(word) for word in words)
    trail = _TRAIL.search(folded)
    if trail is not None and trail.start() < len(folded):
        words = words[: _token_index(folded, trail.start() + 1)]
    return " ".join(words).strip()


def _period_dates(match: re.Match[str], today: dt.date) -> dict[str, Any] | None:
    """The dates of the period named in `match` (None when they make no sense)."""
    groups = match.groupdict()
    year = today.year
    if groups["this_year"]:
        return _year(year, today)
    if groups["last_year"]:
        return _year(year - 1, today)
    if groups["year"]:
        return _year(int(groups["year"]), today)
    if groups["month"]:
        month_year = int(groups["month_year"] or year)
        return _month(month_year, int(groups["month"]))
    if groups["this_month"]:
        return _month(year, today.month)
    if groups["last_month"]:
        first = today.replace(day=1) - dt.timedelta(days=1)
        return _month(first.year, first.month)
    if groups["this_week"]:
        monday = today - dt.timedelta(days=today.weekday())
        return _span(monday, monday + dt.timedelta(days=6), year=monday.year)
    if groups["last_week"]:
        monday = today - dt.timedelta(days=today.weekday() + 7)
        return _span(monday, monday + dt.timedelta(days=6), year=monday.year)
    return _span(today, today, year=year)  # today


def _year(year: int, today: dt.date) -> dict[str, Any] | None:
    if year > today.year + 1:
        return None
    return _span(dt.date(year, 1, 1), dt.date(year, 12, 31), year=year)


def _month(year: int, month: int) -> dict[str, Any]:
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return _span(first, last, year=year, month=month)


def _span(first: dt.date, last: dt.date, **extra: int) -> dict[str, Any]:
    return {"date_from": first.isoformat(), "date_to": last.isoformat(), **extra}
