"""The assistant's e-office answers, over real documents received, registered and directed through
the documents' services: each asker sees only their own work and what they may read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from vcnet.accounts.models import Role, Unit, User
from vcnet.assistant.actions import MAX_LINKS, run
from vcnet.assistant.intents import recognise
from vcnet.assistant.models import AnswerMode
from vcnet.assistant.types import Answer
from vcnet.documents.models import AssignmentRole, Document, DocumentType, WorkItem
from vcnet.documents.selectors import inbox_counts
from vcnet.documents.services.incoming import (
    DirectionLine,
    document_direct,
    document_register,
)
from vcnet.documents.tests.factories import member, receive

pytestmark = pytest.mark.django_db

FLOOD_TEXT = "Về việc chủ động phòng chống lũ lụt, bảo đảm an toàn cho nhân dân mùa mưa bão"


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def other_clerk(other_province: Unit) -> User:
    return member(other_province, Role.CLERK, "Ngô Thị Hạnh", "vanthu@hatinh.vcnet.test")


@pytest.fixture
def other_leader(other_province: Unit) -> User:
    return member(other_province, Role.LEADER, "Trịnh Văn Long", "truongban@hatinh.vcnet.test")


class Registry:
    """Receives documents as a unit's clerk and has its leader direct them."""

    def __init__(self, capture: Any) -> None:
        self.capture = capture
        self.number = 100

    def receive(self, clerk: User, unit: Unit, **fields: Any) -> Document:
        self.number += 1
        fields.setdefault("code_number", str(self.number))
        with self.capture(execute=True):  # the search index is written on commit
            return receive(clerk, unit, **fields)

    def directed(
        self,
        clerk: User,
        leader: User,
        handler: User,
        unit: Unit,
        *,
        due_in: int,
        **fields: Any,
    ) -> Document:
        """A document the leader gave `handler` to handle, due in `due_in` days."""
        deadline = timezone.localdate() + dt.timedelta(days=due_in)
        document = self.receive(clerk, unit, due_date=deadline, **fields)
        with self.capture(execute=True):
            document = document_register(actor=clerk, document=document, submit_to=leader)
            document_direct(
                actor=leader,
                document=document,
                comment="Đề nghị đồng chí chủ trì xử lý.",
                lines=[
                    DirectionLine(role=AssignmentRole.LEAD, user_id=handler.pk, deadline=deadline)
                ],
            )
        return document


@pytest.fixture
def registry(django_capture_on_commit_callbacks: Any) -> Registry:
    return Registry(django_capture_on_commit_callbacks)


def _ask(user: User, question: str) -> Answer:
    intent = recognise(question)
    assert intent is not None, question
    answer = run(user, intent)
    assert answer.mode == AnswerMode.ACTION
    assert answer.answered
    assert answer.intent == intent.name
    return answer


def _detail(document: Document) -> str:
    return reverse("documents:detail", args=[document.pk])


def _urls(answer: Answer) -> list[str]:
    return [link["url"] for link in answer.links]


# --- Due soon, overdue, waiting --------------------------------------------------------------


def test_an_official_sees_their_document_due_in_three_days_and_not_the_other_units(
    registry: Registry,
    clerk: User,
    leader: User,
    official: User,
    province: Unit,
    outsider: User,
    other_clerk: User,
    other_leader: User,
    other_province: Unit,
) -> None:
    mine = registry.directed(
        clerk,
        leader,
        official,
        province,
        due_in=3,
        subject="Về việc báo cáo kết quả phòng chống lũ lụt",
        code_notation="CV/BTGTW",
    )
    later = registry.directed(
        clerk, leader, official, province, due_in=30, subject="Về việc tổng kết năm"
    )
    theirs = registry.directed(
        other_clerk,
        other_leader,
        outsider,
        other_province,
        due_in=2,
        subject="Về việc chuẩn bị hội nghị tuyên giáo Hà Tĩnh",
    )

    answer = _ask(official, "Văn bản nào của tôi sắp đến hạn?")

    assert answer.text.startswith("You have 1 document due in the next 7 days.")
    deadline = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    assert answer.links == [
        {
            "title": f"{mine.code}: Về việc báo cáo kết quả phòng chống lũ lụt",
            "url": _detail(mine),
            "meta": f"Due {deadline} (in 3 days) · Lead handler",
        }
    ]
    assert _detail(later) not in _urls(answer)
    assert _detail(theirs) not in _urls(answer)
    # The outsider is told about their own document only.
    assert _urls(_ask(outsider, "van ban sap het han")) == [_detail(theirs)]


def test_due_soon_with_nothing_due_says_so(official: User) -> None:
    answer = _ask(official, "việc nào sắp tới hạn tuần này")
    assert answer.text == "Nothing of yours falls due in the next 7 days."
    assert answer.links == []


def test_overdue_lists_documents_past_their_deadline(
    registry: Registry, clerk: User, leader: User, official: User, province: Unit
) -> None:
    document = registry.directed(
        clerk, leader, official, province, due_in=5, subject="Về việc nộp báo cáo quý"
    )
    registry.directed(clerk, leader, official, province, due_in=5, subject="Về việc khác")
    # As in the demo: it arrived weeks ago and its deadline passed (the services refuse a past
    # deadline, so the clock is moved on the rows).
    past = timezone.localdate() - dt.timedelta(days=4)
    WorkItem.objects.filter(document=document).update(deadline=past)

    answer = _ask(official, "văn bản quá hạn")

    assert inbox_counts(official)["overdue"] == 1
    assert answer.text == "1 document of yours is overdue."
    assert _urls(answer) == [_detail(document)]
    assert answer.links[0]["meta"].startswith(f"Due {past.strftime('%d/%m/%Y')} (4 days overdue)")
    # Due soon mentions the overdue one too.
    assert "1 document of yours is overdue." in _ask(official, "van ban sap den han").text


def test_pending_count_matches_the_inbox(
    registry: Registry, clerk: User, leader: User, official: User, province: Unit
) -> None:
    for days in (2, 4, 20):
        registry.directed(clerk, leader, official, province, due_in=days, subject=f"Việc {days}")
    waiting = registry.receive(clerk, province, subject="Về việc chưa vào sổ")

    counts = inbox_counts(official)
    answer = _ask(official, "Tôi còn bao nhiêu văn bản chờ xử lý?")

    assert counts["all"] == 3
    assert answer.text == (
        "You have 3 documents waiting in the e-office: 3 to handle. 2 fall due in the next 7 days."
    )
    assert len(answer.links) == 3
    assert _detail(waiting) not in _urls(answer)  # the clerk's work, not the official's

    clerk_counts = inbox_counts(clerk)
    clerk_answer = _ask(clerk, "co bao nhieu van ban chua xu ly")
    assert clerk_counts["register"] == 1
    assert clerk_answer.text.startswith(f"You have {clerk_counts['all']} document")
    assert _detail(waiting) in _urls(clerk_answer)


def test_more_than_ten_links_to_the_inbox(
    registry: Registry, clerk: User, leader: User, official: User, province: Unit
) -> None:
    for number in range(MAX_LINKS + 2):
        registry.directed(
            clerk, leader, official, province, due_in=1 + number % 5, subject=f"Văn bản {number}"
        )
    answer = _ask(official, "văn bản sắp đến hạn")

    assert answer.text.startswith(f"You have {MAX_LINKS + 2} documents due in the next 7 days.")
    assert len(answer.links) == MAX_LINKS + 1
    assert answer.links[-1] == {
        "title": f"See all {MAX_LINKS + 2} in the e-office inbox",
        "url": reverse("documents:inbox") + "?tab=week",
        "meta": "",
    }
    # The nearest deadlines come first.
    metas = [link["meta"] for link in answer.links[:3]]
    assert all("(in 1 day)" in meta for meta in metas)


def test_nothing_waiting(official: User) -> None:
    answer = _ask(official, "tôi còn bao nhiêu việc phải làm?")
    assert answer.text == "Nothing is waiting for you in the e-office."
    assert answer.links == []


@pytest.mark.parametrize(
    "question", ["Văn bản nào của tôi sắp đến hạn?", "Tìm công văn về lũ lụt năm nay"]
)
def test_a_citizen_is_told_the_e_office_is_for_officials(citizen: User, question: str) -> None:
    answer = _ask(citizen, question)
    assert answer.text.startswith("The e-office (documents, deadlines and work to handle) is for")
    assert answer.links == []


# --- Finding documents -----------------------------------------------------------------------


@pytest.fixture
def floods(
    registry: Registry,
    clerk: User,
    province: Unit,
    other_clerk: User,
    other_province: Unit,
) -> dict[str, Document]:
    """Letters and plans about floods in two provinces, this year and last year."""
    today = timezone.localdate()
    this_year = dt.date(today.year, 1, 1)
    last_year = dt.date(today.year - 1, 6, 15)
    letter = DocumentType.objects.get(code="cong-van")
    plan = DocumentType.objects.get(code="ke-hoach")
    return {
        "letter": registry.receive(
            clerk,
            province,
            subject="Về việc chủ động phòng chống lũ lụt năm nay",
            text=FLOOD_TEXT,
            doc_type_id=letter.pk,
            issued_date=this_year,
        ),
        "old_letter": registry.receive(
            clerk,
            province,
            subject="Về việc khắc phục hậu quả lũ lụt",
            text=FLOOD_TEXT,
            doc_type_id=letter.pk,
            issued_date=last_year,
        ),
        "plan": registry.receive(
            clerk,
            province,
            subject="Kế hoạch phòng chống lũ lụt và tìm kiếm cứu nạn",
            text=FLOOD_TEXT,
            doc_type_id=plan.pk,
            issued_date=this_year,
        ),
        "other": registry.receive(
            other_clerk,
            other_province,
            subject="Về việc phòng chống lũ lụt tại Hà Tĩnh",
            text=FLOOD_TEXT,
            doc_type_id=letter.pk,
            issued_date=this_year,
        ),
    }


def test_find_by_topic_type_and_year_returns_only_what_the_asker_may_read(
    floods: dict[str, Document], clerk: User
) -> None:
    answer = _ask(clerk, "Tìm công văn về phòng chống lũ lụt năm nay")

    year = timezone.localdate().year
    assert answer.text == (
        f"I found 1 document you may read of type “Công văn” about “phòng chống lũ lụt” "
        f"dated 01/01/{year} to 31/12/{year}."
    )
    assert _urls(answer) == [_detail(floods["letter"])]
    assert answer.links[0]["title"] == (
        f"{floods['letter'].code}: Về việc chủ động phòng chống lũ lụt năm nay"
    )
    assert answer.links[0]["meta"] == f"Công văn · 01/01/{year} · Ban Tuyên giáo Trung ương"

    # Without diacritics; last year's letter is found for "năm ngoái".
    assert _urls(_ask(clerk, "tim cong van ve phong chong lu lut nam ngoai")) == [
        _detail(floods["old_letter"])
    ]
    # Every type and year: the three of this unit, never the other province's.
    assert sorted(_urls(_ask(clerk, "tìm văn bản về phòng chống lũ lụt"))) == sorted(
        _detail(floods[key]) for key in ("letter", "old_letter", "plan")
    )


def test_find_by_type_and_year_without_a_topic(floods: dict[str, Document], clerk: User) -> None:
    year = timezone.localdate().year
    answer = _ask(clerk, f"Tìm kế hoạch năm {year}")
    assert _urls(answer) == [_detail(floods["plan"])]


def test_the_outsider_finds_nothing_of_the_other_unit(
    floods: dict[str, Document], outsider: User, other_clerk: User
) -> None:
    # The outsider is an official of the other province, not named on its letter either.
    answer = _ask(outsider, "Tìm công văn về phòng chống lũ lụt năm nay")
    assert answer.links == []
    assert answer.text.startswith("I found no document you may read of type “Công văn”")
    # That province's registry finds its own letter, and only it.
    assert _urls(_ask(other_clerk, "Tìm công văn về phòng chống lũ lụt năm nay")) == [
        _detail(floods["other"])
    ]


def test_find_with_no_results_says_so(floods: dict[str, Document], clerk: User) -> None:
    answer = _ask(clerk, "tìm tờ trình về chuyển đổi số")
    assert answer.text == (
        "I found no document you may read of type “Tờ trình” about “chuyển đổi số”."
    )
    assert answer.links == []
