"""The e-office pages, as each persona sees them: inbox, receive, detail and its actions, files,
search and saved searches, case files."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vcnet.accounts.models import Unit, User
from vcnet.documents.models import (
    AccessLog,
    Assignment,
    CaseFile,
    Document,
    DocumentType,
    SavedSearch,
    Status,
    WorkItem,
)
from vcnet.documents.services import incoming
from vcnet.documents.services.incoming import DirectionLine, IncomingFields
from vcnet.documents.tests.factories import make_pdf, upload

pytestmark = pytest.mark.django_db

SUBJECT = "Công văn về việc tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def received(clerk: User, unit: Unit, subject: str = SUBJECT, **extra: Any) -> Document:
    """A document the registry of `unit` has received (not registered yet)."""
    return incoming.document_receive(
        actor=clerk,
        unit=unit,
        fields=IncomingFields(
            subject=subject,
            organ_name="Ban Tuyên giáo Trung ương",
            code_number="123",
            code_notation="CV/BTGTW",
            **extra,
        ),
        main=upload(subject),
    )


def in_progress(clerk: User, leader: User, official: User, unit: Unit) -> Document:
    """Registered, submitted and directed to `official` as lead, with a deadline."""
    document = received(clerk, unit)
    incoming.document_register(actor=clerk, document=document, submit_to=leader)
    incoming.document_direct(
        actor=leader,
        document=document,
        lines=[
            DirectionLine(
                role="lead",
                user_id=official.pk,
                deadline=timezone.localdate() + dt.timedelta(days=2),
            )
        ],
        comment="Đồng chí Cường chủ trì tham mưu.",
    )
    document.refresh_from_db()
    return document


def action_url(document: Document, name: str) -> str:
    return reverse("documents:action", args=[document.pk, name])


# --- Inbox ----------------------------------------------------------------------------------


def test_inbox_shows_tabs_counts_and_an_empty_state_that_says_what_to_do(clerk: User) -> None:
    response = signed_in(clerk).get(reverse("documents:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("documents:receive") in body  # a clerk may receive
    assert 'href="?tab=register"' in body
    assert 'class="empty"' in body


def test_inbox_lists_work_urgent_first_with_deadline(
    clerk: User, leader: User, official: User, province: Unit
) -> None:
    document = in_progress(clerk, leader, official, province)
    received(clerk, province, "Hỏa tốc: báo cáo tình hình dư luận xã hội", priority=3)
    response = signed_in(official).get(reverse("documents:inbox"), {"tab": "handle"})
    body = response.content.decode()
    assert document.subject in body
    assert "Hỏa tốc: báo cáo" not in body  # not the official's work
    received(clerk, province, "Công văn thường về lịch công tác tháng")
    clerk_body = signed_in(clerk).get(reverse("documents:inbox")).content.decode()
    assert clerk_body.index("Hỏa tốc: báo cáo") < clerk_body.index("Công văn thường")
    assert "eo-item-express" in clerk_body
    assert "2 days left" in body or "còn 2 ngày" in body


def test_inbox_pages_by_cursor_and_htmx_loads_more(clerk: User, province: Unit) -> None:
    for n in range(23):
        received(clerk, province, f"Công văn số {n:02d} về công tác tuyên truyền")
    client = signed_in(clerk)
    first = client.get(reverse("documents:inbox"))
    assert first.content.decode().count('<li class="eo-item') == 20
    next_url = first.context["next_url"]
    assert next_url
    more = client.get(reverse("documents:inbox") + next_url, HTTP_HX_REQUEST="true")
    assert more.content.decode().count('<li class="eo-item') == 3
    assert "<html" not in more.content.decode()
    assert not more.context["next_url"]


def test_inbox_query_count_is_bounded(
    clerk: User, province: Unit, django_assert_max_num_queries: Any
) -> None:
    for n in range(15):
        received(clerk, province, f"Công văn số {n:02d} về công tác tuyên truyền")
    client = signed_in(clerk)
    client.get(reverse("documents:inbox"))  # warm the session and caches
    with django_assert_max_num_queries(14):
        response = client.get(reverse("documents:inbox"))
    assert response.status_code == 200


# --- Receive and register -------------------------------------------------------------------


def _receive_form(unit: Unit, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": unit.pk,
        "subject": SUBJECT,
        "doc_type": DocumentType.objects.order_by("position").first().pk,  # type: ignore[union-attr]
        "code_number": "45",
        "code_notation": "CV/BTGTW",
        "organ_name": "Ban Tuyên giáo Trung ương",
        "issued_date": "2026-01-05",
        "signer_name": "Nguyễn Trọng Nghĩa",
        "signer_position": "Trưởng ban",
        "priority": "1",
        "confidentiality": "0",
        "main": io.BytesIO(make_pdf(SUBJECT)),
    }
    data["main"].name = "cong-van.pdf"
    data.update(overrides)
    return data


def test_clerk_receives_a_pdf_then_registers_it_from_the_page(
    clerk: User, leader: User, province: Unit
) -> None:
    client = signed_in(clerk)
    response = client.post(reverse("documents:receive"), _receive_form(province))
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", args=[document.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-action="register"' in page
    assert document.status == Status.RECEIVED

    response = client.post(action_url(document, "register"), {"submit_to": leader.pk}, follow=True)
    document.refresh_from_db()
    assert document.status == Status.DIRECTING
    assert document.arrival_number == 1
    assert "eo-arrival" in response.content.decode()
    assert WorkItem.objects.filter(document=document, user=leader, done_at=None).exists()


def test_second_copy_shows_a_duplicate_warning(clerk: User, province: Unit) -> None:
    received(clerk, province)
    second = received(clerk, province)
    page = signed_in(clerk).get(reverse("documents:detail", args=[second.pk])).content.decode()
    assert 'role="alert"' in page
    assert reverse("documents:detail", args=[second.pk - 1]) in page


def test_receive_refuses_a_file_that_is_not_a_pdf_and_keeps_nothing(
    clerk: User, province: Unit
) -> None:
    bogus = io.BytesIO(b"MZ\x90\x00 not a document")
    bogus.name = "virus.pdf"
    response = signed_in(clerk).post(
        reverse("documents:receive"), _receive_form(province, main=bogus)
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Document.objects.exists()


def test_only_clerks_reach_the_receive_form(official: User, citizen: User) -> None:
    assert signed_in(official).get(reverse("documents:receive")).status_code == 404
    assert signed_in(citizen).get(reverse("documents:receive")).status_code == 404


# --- Detail, actions, files -----------------------------------------------------------------


def test_detail_shows_only_the_actions_this_user_may_take(
    clerk: User, leader: User, official: User, province: Unit
) -> None:
    document = received(clerk, province)
    incoming.document_register(actor=clerk, document=document, submit_to=leader)
    leader_page = signed_in(leader).get(reverse("documents:detail", args=[document.pk]))
    assert 'data-action="direct"' in leader_page.content.decode()
    assert 'data-action="register"' not in leader_page.content.decode()
    clerk_page = signed_in(clerk).get(reverse("documents:detail", args=[document.pk]))
    assert 'data-action="direct"' not in clerk_page.content.decode()


def test_leader_directs_and_official_finishes_through_the_page(
    clerk: User, leader: User, official: User, province: Unit
) -> None:
    document = received(clerk, province)
    incoming.document_register(actor=clerk, document=document, submit_to=leader)
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = signed_in(leader).post(
        action_url(document, "direct"),
        {"lead": f"p{official.pk}", "deadline": deadline, "comment": "Giao đồng chí Cường."},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == Status.IN_PROGRESS
    line = Assignment.objects.get(document=document)
    assert line.user == official
    assert str(line.deadline) == deadline

    client = signed_in(official)
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert 'data-action="complete_part"' in page
    client.post(
        action_url(document, "complete_part"),
        {"assignment": line.pk, f"c{line.pk}-result": "Đã tham mưu kế hoạch tuyên truyền."},
    )
    document.refresh_from_db()
    assert document.status == Status.DONE


def test_an_action_refused_by_the_service_shows_a_message_and_changes_nothing(
    clerk: User, leader: User, province: Unit
) -> None:
    document = received(clerk, province)
    incoming.document_register(actor=clerk, document=document)
    # Registering twice: the state machine refuses, the page says why.
    response = signed_in(clerk).post(action_url(document, "register"), {}, follow=True)
    document.refresh_from_db()
    assert document.arrival_number == 1
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_official_cannot_direct_even_by_posting(
    clerk: User, leader: User, official: User, province: Unit
) -> None:
    document = in_progress(clerk, leader, official, province)
    response = signed_in(official).post(action_url(document, "direct"), {"lead": f"p{official.pk}"})
    assert response.status_code in (302, 403)
    assert Assignment.objects.filter(document=document).count() == 1


def test_download_checks_access_logs_it_and_sends_an_attachment(
    clerk: User, outsider: User, province: Unit
) -> None:
    document = received(clerk, province)
    stored = document.files.get()
    url = reverse("documents:file", args=[document.pk, stored.pk])
    response = signed_in(clerk).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert AccessLog.objects.filter(
        document=document, user=clerk, action="download", file=stored
    ).exists()
    assert signed_in(outsider).get(url).status_code == 404
    assert not AccessLog.objects.filter(user=outsider).exists()


def test_opening_the_page_is_logged(clerk: User, province: Unit) -> None:
    document = received(clerk, province)
    signed_in(clerk).get(reverse("documents:detail", args=[document.pk]))
    assert AccessLog.objects.filter(document=document, user=clerk, action="view").count() == 1


@pytest.mark.parametrize("name", ["register", "return", "direct", "comment", "issue", "nope"])
def test_outsider_gets_404_on_every_document_url(
    clerk: User, outsider: User, province: Unit, name: str
) -> None:
    document = received(clerk, province)
    client = signed_in(outsider)
    assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 404
    assert client.post(action_url(document, name), {"reason": "x"}).status_code == 404
    document.refresh_from_db()
    assert document.status == Status.RECEIVED


def test_anonymous_is_sent_to_sign_in(clerk: User, province: Unit) -> None:
    document = received(clerk, province)
    response = Client().get(reverse("documents:detail", args=[document.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_script_in_the_subject_is_shown_as_text(clerk: User, province: Unit) -> None:
    document = received(clerk, province, "<script>alert('xss')</script> Công văn")
    client = signed_in(clerk)
    for url in (
        reverse("documents:detail", args=[document.pk]),
        reverse("documents:inbox"),
        reverse("documents:search"),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert(" not in body
        assert "&lt;script&gt;alert(" in body


def test_comment_through_the_page_appears_on_the_timeline(
    clerk: User, leader: User, official: User, province: Unit
) -> None:
    document = in_progress(clerk, leader, official, province)
    client = signed_in(official)
    client.post(action_url(document, "comment"), {"body": "Đề nghị bổ sung số liệu quý III."})
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Đề nghị bổ sung số liệu quý III." in page


# --- List and search ------------------------------------------------------------------------


def test_search_finds_by_words_without_diacritics_and_respects_access(
    clerk: User,
    outsider: User,
    province: Unit,
    other_province: Unit,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        received(clerk, province)
    response = signed_in(clerk).get(reverse("documents:search"), {"q": "tuyen truyen ky niem"})
    assert [hit.document.subject for hit in response.context["hits"]] == [SUBJECT]
    outsider_hits = signed_in(outsider).get(reverse("documents:search"), {"q": "tuyen truyen"})
    assert outsider_hits.context["hits"] == []


def test_list_filters_and_htmx_returns_only_the_results(clerk: User, province: Unit) -> None:
    received(clerk, province)
    received(clerk, province, "Hỏa tốc: báo cáo nhanh", priority=3)
    client = signed_in(clerk)
    response = client.get(reverse("documents:search"), {"priority": "3"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Hỏa tốc: báo cáo nhanh" in body
    assert SUBJECT not in body
    assert "<html" not in body


def test_list_query_count_is_bounded(
    clerk: User, province: Unit, django_assert_max_num_queries: Any
) -> None:
    for n in range(15):
        received(clerk, province, f"Công văn số {n:02d} về công tác tuyên truyền")
    client = signed_in(clerk)
    client.get(reverse("documents:search"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("documents:search"), {"direction": "in"})
    assert len(response.context["documents"]) == 15


def test_saved_search_create_run_and_delete(clerk: User, official: User, province: Unit) -> None:
    client = signed_in(clerk)
    response = client.post(
        reverse("documents:saved_search_create"),
        {"name": "Hỏa tốc đến", "priority": "3", "direction": "in"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=clerk)
    assert saved.params == {"priority": "3", "direction": "in"}
    page = client.get(reverse("documents:search")).content.decode()
    assert "Hỏa tốc đến" in page
    # Nobody else can delete it.
    other = signed_in(official).post(reverse("documents:saved_search_delete", args=[saved.pk]))
    assert other.status_code == 404
    client.post(reverse("documents:saved_search_delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


# --- Case files -----------------------------------------------------------------------------


def test_case_file_open_and_file_a_document(clerk: User, province: Unit, outsider: User) -> None:
    document = received(clerk, province)
    client = signed_in(clerk)
    response = client.post(
        reverse("documents:casefiles"),
        {"unit": province.pk, "notation": "01.TT", "title": "Hồ sơ tuyên truyền kỷ niệm 2026"},
    )
    case_file = CaseFile.objects.get()
    assert response["Location"] == reverse("documents:casefile", args=[case_file.pk])
    client.post(action_url(document, "file"), {"case_file": case_file.pk})
    page = client.get(reverse("documents:casefile", args=[case_file.pk])).content.decode()
    assert SUBJECT in page
    assert (
        signed_in(outsider).get(reverse("documents:casefile", args=[case_file.pk])).status_code
        == 404
    )


# --- Outgoing -------------------------------------------------------------------------------


def _draft_form(**overrides: Any) -> dict[str, Any]:
    main = io.BytesIO(make_pdf("Dự thảo báo cáo kết quả tuyên truyền"))
    main.name = "du-thao.pdf"
    data: dict[str, Any] = {
        "doc_type": DocumentType.objects.get(code="bao-cao").pk,
        "subject": "Báo cáo kết quả tuyên truyền kỷ niệm ngày thành lập Đảng",
        "priority": "0",
        "confidentiality": "0",
        "main": main,
    }
    data.update(overrides)
    return data


def test_official_drafts_with_internal_and_outside_recipients(
    official: User, province: Unit, other_province: Unit
) -> None:
    client = signed_in(official)
    assert client.get(reverse("documents:draft")).status_code == 200
    response = client.post(
        reverse("documents:draft"),
        _draft_form(
            unit=province.pk,
            recipient_units=[other_province.pk],
            outside="H01.01 Sở Thông tin và Truyền thông tỉnh Nghệ An",
        ),
    )
    document = Document.objects.get()
    assert response["Location"] == reverse("documents:detail", args=[document.pk])
    assert document.status == Status.DRAFT
    names = set(document.deliveries.values_list("organ_name", flat=True))
    assert "Sở Thông tin và Truyền thông tỉnh Nghệ An" in names
    assert document.deliveries.filter(unit=other_province).exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-action="draft_submit"' in page
    assert 'data-action="draft_update"' in page


def test_draft_with_a_badly_written_outside_recipient_is_refused(
    official: User, province: Unit
) -> None:
    response = signed_in(official).post(
        reverse("documents:draft"), _draft_form(unit=province.pk, outside="chỉ-có-tên")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["outside"]
    assert not Document.objects.exists()


def test_detail_query_count_is_bounded(
    clerk: User,
    leader: User,
    official: User,
    province: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    document = in_progress(clerk, leader, official, province)
    for n in range(5):
        incoming.document_comment(actor=official, document=document, body=f"Ý kiến số {n}")
    client = signed_in(official)
    client.get(reverse("documents:detail", args=[document.pk]))
    with django_assert_max_num_queries(45):
        response = client.get(reverse("documents:detail", args=[document.pk]))
    assert response.status_code == 200


def test_a_department_head_directs_further_through_the_page(
    clerk: User, leader: User, province: Unit
) -> None:
    from vcnet.documents.tests.outgoing_flow import member, sub_unit

    department = sub_unit(province, "TT", "Phòng Tuyên truyền")
    head = member(department, "leader", "Hoàng Văn Giang", "Trưởng phòng")
    specialist = member(department, "official", "Đặng Thu Hằng", "Chuyên viên")
    document = received(clerk, province)
    incoming.document_register(actor=clerk, document=document, submit_to=leader)
    signed_in(leader).post(action_url(document, "direct"), {"lead": f"u{department.pk}"})
    line = Assignment.objects.get(document=document)
    client = signed_in(head)
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert f'name="assignment" value="{line.pk}"' in page
    client.post(
        action_url(document, "direct"),
        {"assignment": line.pk, f"a{line.pk}-lead": f"p{specialist.pk}"},
    )
    child = Assignment.objects.get(parent=line)
    assert child.user == specialist
    assert WorkItem.objects.filter(document=document, user=specialist, done_at=None).exists()
