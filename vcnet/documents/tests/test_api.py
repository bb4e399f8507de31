"""The e-office JSON API, used as a mobile client would: the incoming and outgoing flows end to
end, lists and search, downloads (logged), case files, saved searches, and clear errors."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from vcnet.accounts.models import Role, Unit, User
from vcnet.documents.models import (
    AccessLog,
    Approval,
    Document,
    DocumentFile,
    DocumentType,
    Status,
)
from vcnet.documents.tests.factories import make_encrypted_pdf, make_pdf
from vcnet.documents.tests.outgoing_flow import member

pytestmark = pytest.mark.django_db

API = "/api/v1/documents"
SUBJECT = "Công văn về việc tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def receive(client: Client, unit: Unit, **extra: Any) -> Any:
    """The registry uploads an incoming PDF with its fields (multipart)."""
    pdf = io.BytesIO(make_pdf(SUBJECT))
    pdf.name = "cong-van-den.pdf"
    attachment = io.BytesIO(make_pdf("Phụ lục kèm theo"))
    attachment.name = "phu-luc.pdf"
    data = {
        "unit_id": unit.pk,
        "subject": SUBJECT,
        "code_number": "123",
        "code_notation": "CV/BTGTW",
        "organ_name": "Ban Tuyên giáo Trung ương",
        "issued_date": "2026-01-05",
        "priority": 1,
        "main": pdf,
        "attachments": [attachment],
        **extra,
    }
    return client.post(f"{API}/received", data)


def test_incoming_flow_through_the_api(
    province: Unit, clerk: User, leader: User, official: User
) -> None:
    registry, head, handler = as_user(clerk), as_user(leader), as_user(official)

    response = receive(registry, province)
    assert response.status_code == 201, response.content
    created = response.json()
    doc_id = created["id"]
    assert created["status"] == "received" and created["edxml_status"] == "01"
    assert created["code"] == "123-CV/BTGTW"

    counts = registry.get(f"{API}/inbox/counts").json()
    assert counts["register"] == 1 and counts["all"] >= 1
    tab = registry.get(f"{API}/inbox", {"tab": "register"}).json()
    assert [item["document"]["id"] for item in tab["items"]] == [doc_id]

    fixed = post(registry, f"{API}/{doc_id}/fields", {"subject": SUBJECT, "page_amount": 2})
    assert fixed.status_code == 200, fixed.content
    registered = post(registry, f"{API}/{doc_id}/register", {"submit_to": leader.pk})
    assert registered.status_code == 200, registered.content
    assert registered.json()["arrival_number"] == 1

    deadline = (timezone.localdate() + timezone.timedelta(days=5)).isoformat()
    directed = post(
        head,
        f"{API}/{doc_id}/direct",
        {
            "lines": [{"role": "lead", "user_id": official.pk, "deadline": deadline}],
            "comment": "Giao đồng chí Cường chủ trì tham mưu.",
        },
    )
    assert directed.status_code == 200, directed.content
    detail = directed.json()
    assert detail["status"] == "in_progress"
    (line,) = detail["assignments"]
    assert (line["role"], line["user"]["id"], line["deadline"]) == ("lead", official.pk, deadline)

    handle = handler.get(f"{API}/inbox", {"tab": "handle"}).json()["items"]
    assert [item["document"]["id"] for item in handle] == [doc_id]
    comment = post(handler, f"{API}/{doc_id}/comments", {"body": "Đã dự thảo kế hoạch."})
    assert comment.status_code == 201
    result = io.BytesIO(make_pdf("Kế hoạch tuyên truyền"))
    result.name = "ke-hoach.pdf"
    added = handler.post(f"{API}/{doc_id}/results", {"file": result, "note": "Kế hoạch"})
    assert added.status_code == 201, added.content
    assert added.json()["kind"] == "result"

    later = (timezone.localdate() + timezone.timedelta(days=10)).isoformat()
    asked = post(
        handler,
        f"{API}/{doc_id}/assignments/{line['id']}/extensions",
        {"new_deadline": later, "reason": "Chờ ý kiến các ban liên quan."},
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["state"] == "pending"
    decision = {"approve": True, "note": "Đồng ý gia hạn."}
    url = f"{API}/{doc_id}/extensions/{asked.json()['id']}/decide"
    assert post(handler, url, decision).status_code == 403  # not their own to decide
    decided = post(head, url, decision)
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "approved"
    assert head.get(f"{API}/{doc_id}").json()["assignments"][0]["deadline"] == later

    done = post(
        handler, f"{API}/{doc_id}/assignments/{line['id']}/complete", {"result": "Đã xong."}
    )
    assert done.status_code == 200, done.content
    detail = head.get(f"{API}/{doc_id}").json()
    assert detail["status"] == "done" and detail["edxml_status"] == "06"
    assert detail["signer_info"].keys() == {"competence", "on_behalf_of", "position", "full_name"}
    kinds = sorted(f["kind"] for f in detail["files"])
    assert kinds == ["attachment", "main", "result"]
    verbs = [event["verb"] for event in detail["timeline"]]
    assert verbs[0] == "received" and "registered" in verbs and "directed" in verbs
    assert detail["comments"][0]["body"] == "Đã dự thảo kế hoạch."


def test_outgoing_flow_through_the_api(
    province: Unit, other_province: Unit, clerk: User, leader: User, official: User
) -> None:
    other_clerk = member(other_province, Role.CLERK, "Hoàng Thị Em", "Văn thư")
    drafter, head, registry = as_user(official), as_user(leader), as_user(clerk)
    doc_type = DocumentType.objects.get(code="cong-van")
    main = io.BytesIO(make_pdf("Dự thảo công văn"))
    main.name = "du-thao.pdf"
    data = {
        "unit_id": province.pk,
        "fields": {
            "subject": "Về việc tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng",
            "doc_type_id": doc_type.pk,
            "recipients_text": "Như trên; Lưu VT.",
            "recipients": [{"unit_id": other_province.pk}],
        },
    }
    response = drafter.post(f"{API}/drafts", {"data": json.dumps(data), "main": main})
    assert response.status_code == 201, response.content
    doc_id = response.json()["id"]
    assert response.json()["status"] == "draft"

    new_main = io.BytesIO(make_pdf("Dự thảo công văn, bản 2"))
    new_main.name = "du-thao-2.pdf"
    version = drafter.post(f"{API}/{doc_id}/versions", {"main": new_main, "note": "Sửa câu chữ"})
    assert version.status_code == 201, version.content

    submitted = post(
        drafter,
        f"{API}/{doc_id}/submit-for-approval",
        {"content_approver": leader.pk, "layout_checker": clerk.pk, "signer": leader.pk},
    )
    assert submitted.status_code == 200, submitted.content
    for client in (head, registry, head):
        pending = client.get(f"{API}/inbox", {"tab": "approve"}).json()["items"]
        (item,) = [i for i in pending if i["document"]["id"] == doc_id]
        decided = post(
            client, f"{API}/{doc_id}/approvals/{item['approval_id']}/decide", {"approve": True}
        )
        assert decided.status_code == 200, decided.content
    assert Document.objects.get(pk=doc_id).status == Status.TO_SIGN

    signed = io.BytesIO(make_pdf("Công văn đã ký số"))
    signed.name = "da-ky.pdf"
    uploaded = head.post(f"{API}/{doc_id}/signed", {"file": signed})
    assert uploaded.status_code == 201, uploaded.content
    numbered = post(registry, f"{API}/{doc_id}/number", {})
    assert numbered.status_code == 200, numbered.content
    assert numbered.json()["code_number"] == "01"
    issued = post(registry, f"{API}/{doc_id}/issue")
    assert issued.status_code == 200, issued.content
    detail = issued.json()
    assert detail["status"] == "issued"
    (delivery,) = detail["deliveries"]
    assert delivery["status_code"] == "01" and delivery["status_label"]

    # The other unit's registry sees it at once, through the same API.
    arrived = as_user(other_clerk).get(f"{API}/inbox", {"tab": "register"}).json()["items"]
    assert [i["document"]["subject"] for i in arrived] == [detail["subject"]]

    # Recall: the copy's registry is asked, and answers; the sender sees 15.
    recalled = post(registry, f"{API}/{doc_id}/recall", {"reason": "Sai sót số liệu ở mục 2."})
    assert recalled.status_code == 200, recalled.content
    assert recalled.json()["status"] == "recalled"
    copy_id = arrived[0]["document"]["id"]
    answer = post(as_user(other_clerk), f"{API}/{copy_id}/recall-answer", {"accept": True})
    assert answer.status_code == 200, answer.content
    assert head.get(f"{API}/{doc_id}").json()["deliveries"][0]["status_code"] == "15"


def test_wrong_state_wrong_person_and_bad_files_are_clear_errors(
    province: Unit, clerk: User, leader: User, official: User
) -> None:
    registry = as_user(clerk)
    doc_id = receive(registry, province).json()["id"]

    # Not the registry: 403 problem, nothing changes.
    refused = post(as_user(official), f"{API}/{doc_id}/register", {})
    assert refused.status_code == 404 or refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    # Wrong state: 409 with a message that says why.
    assert post(registry, f"{API}/{doc_id}/register", {}).status_code == 200
    again = post(registry, f"{API}/{doc_id}/register", {})
    assert again.status_code == 409, again.content
    assert again.json()["detail"]
    # Missing fields: 422 naming the field.
    invalid = post(registry, f"{API}/{doc_id}/return", {})
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"].endswith("reason")
    # A person who does not exist.
    unknown = post(registry, f"{API}/{doc_id}/submit", {"leader": 999999})
    assert unknown.status_code == 400 and unknown.json()["code"] == "bad_person"

    before = (Document.objects.count(), DocumentFile.objects.count())
    for bad in (b"", b"MZ\x90\x00 not a document", make_encrypted_pdf()):
        main = io.BytesIO(bad)
        main.name = "van-ban.pdf"
        response = registry.post(
            f"{API}/received", {"unit_id": province.pk, "subject": SUBJECT, "main": main}
        )
        assert response.status_code == 400, response.content
        assert response.json()["detail"]
    assert (Document.objects.count(), DocumentFile.objects.count()) == before


def test_download_is_logged_and_served_as_an_attachment(province: Unit, clerk: User) -> None:
    registry = as_user(clerk)
    doc_id = receive(registry, province).json()["id"]
    files = registry.get(f"{API}/{doc_id}/files").json()
    main = next(f for f in files if f["kind"] == "main")
    response = registry.get(main["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    log = AccessLog.objects.get(document_id=doc_id, action="download")
    assert (log.user_id, log.via, log.file_id) == (clerk.pk, "api", main["id"])
    registry.get(f"{API}/{doc_id}")
    assert AccessLog.objects.filter(document_id=doc_id, action="view", via="api").count() == 1
    assert registry.get(f"{API}/{doc_id}/files/999999").status_code == 404


def test_list_filters_search_and_pages(
    province: Unit, clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    registry = as_user(clerk)
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert receive(registry, province, code_number=str(n + 1)).status_code == 201
    page = registry.get(API, {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next"]
    rest = registry.get(API, {"limit": 2, "cursor": page["next"]}).json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    assert registry.get(API, {"direction": "out"}).json()["items"] == []
    found = registry.get(API, {"q": "tuyen truyen ky niem"}).json()["items"]
    assert len(found) == 3 and all("snippet" in item for item in found)
    assert registry.get(f"{API}/inbox", {"tab": "nonsense"}).status_code == 400


def test_list_does_not_grow_queries_with_rows(
    province: Unit, clerk: User, django_assert_max_num_queries: Any
) -> None:
    registry = as_user(clerk)
    for n in range(4):
        receive(registry, province, code_number=str(n + 1))
    with django_assert_max_num_queries(12):
        assert len(registry.get(API).json()["items"]) == 4
    with django_assert_max_num_queries(12):
        assert len(registry.get(f"{API}/inbox").json()["items"]) == 4
    doc_id = Document.objects.latest("id").pk
    with django_assert_max_num_queries(20):
        assert registry.get(f"{API}/{doc_id}").json()["files"]


def test_saved_searches(clerk: User, outsider: User) -> None:
    mine = as_user(clerk)
    created = post(mine, f"{API}/saved-searches", {"name": "Hỏa tốc", "params": {"priority": 3}})
    assert created.status_code == 201, created.content
    search_id = created.json()["id"]
    assert created.json()["params"] == {"priority": "3"}
    assert [s["name"] for s in mine.get(f"{API}/saved-searches").json()] == ["Hỏa tốc"]
    duplicate = post(mine, f"{API}/saved-searches", {"name": "Hỏa tốc", "params": {}})
    assert duplicate.status_code == 409
    other = as_user(outsider)
    assert other.get(f"{API}/saved-searches").json() == []
    assert other.delete(f"{API}/saved-searches/{search_id}").status_code == 404
    assert mine.delete(f"{API}/saved-searches/{search_id}").status_code == 204


def test_case_files(province: Unit, clerk: User, leader: User, outsider: User) -> None:
    registry = as_user(clerk)
    doc_id = receive(registry, province).json()["id"]
    created = post(
        registry,
        f"{API}/case-files",
        {"unit_id": province.pk, "title": "Hồ sơ tuyên truyền năm 2026", "notation": "HS-05"},
    )
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    added = post(registry, f"{API}/case-files/{case_id}/documents", {"document_id": doc_id})
    assert added.status_code == 200, added.content
    assert [d["id"] for d in added.json()["documents"]] == [doc_id]
    assert [c["id"] for c in registry.get(f"{API}/case-files").json()["items"]] == [case_id]
    assert as_user(outsider).get(f"{API}/case-files/{case_id}").status_code == 404
    closed = post(registry, f"{API}/case-files/{case_id}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


def test_approval_of_someone_else_is_refused(
    province: Unit, clerk: User, leader: User, official: User
) -> None:
    drafter = as_user(official)
    main = io.BytesIO(make_pdf("Dự thảo"))
    main.name = "du-thao.pdf"
    doc_type = DocumentType.objects.get(code="ke-hoach")
    data = {
        "unit_id": province.pk,
        "fields": {"subject": "Dự thảo kế hoạch tuyên truyền", "doc_type_id": doc_type.pk},
    }
    made = drafter.post(f"{API}/drafts", {"data": json.dumps(data), "main": main})
    assert made.status_code == 201, made.content
    doc_id = made.json()["id"]
    post(
        drafter,
        f"{API}/{doc_id}/submit-for-approval",
        {"content_approver": leader.pk, "layout_checker": clerk.pk, "signer": leader.pk},
    )
    approval = Approval.objects.filter(document_id=doc_id, step="content").get()
    response = post(drafter, f"{API}/{doc_id}/approvals/{approval.pk}/decide", {"approve": True})
    assert response.status_code == 403, response.content
    bad_json = drafter.post(f"{API}/drafts", {"data": "{not json", "main": main})
    assert bad_json.status_code == 422


def test_statistics(province: Unit, clerk: User, leader: User, outsider: User) -> None:
    registry = as_user(clerk)
    receive(registry, province)
    url = f"{API}/statistics"
    figures = as_user(leader).get(url, {"unit": province.pk})
    assert figures.status_code == 200, figures.content
    body = figures.json()
    assert body["unit"]["id"] == province.pk and body["total"]["received"] == 1
    assert {"paper", "circulation", "daily", "by_type"} <= body.keys()
    assert as_user(outsider).get(url, {"unit": province.pk}).status_code == 403
    reversed_period = {"unit": province.pk, "date_from": "2026-05-01", "date_to": "2026-01-01"}
    assert as_user(leader).get(url, reversed_period).status_code == 400


def test_exchange_import(province: Unit, other_province: Unit, clerk: User, outsider: User) -> None:
    from vcnet.documents.exchange import Organ, document_id_format, edxml
    from vcnet.documents.models import UnitProfile

    UnitProfile.objects.create(unit=province, organ_id="000.00.00.H40", style="party")
    package = edxml.package_build(
        edxml.Package(
            sender=Organ(organ_id="000.00.00.H41", name="UBND tỉnh Nghệ An"),
            recipients=[Organ(organ_id="000.00.00.H40", name=province.name)],
            document_id=document_id_format("000.00.00.H41", timezone.localdate(), "45/UBND-VX"),
            code_number="45",
            code_notation="UBND-VX",
            promulgation_date=timezone.localdate(),
            subject="Về việc hướng dẫn tuyên truyền phòng, chống thiên tai mùa mưa bão",
            attachments=[edxml.Attachment(name="45.pdf", data=make_pdf("Số 45/UBND-VX"))],
        )
    )

    def send(client: Client, data: bytes) -> Any:
        upload = io.BytesIO(data)
        upload.name = "goi-tin.xml"
        return client.post(f"{API}/exchange/import", {"unit_id": province.pk, "package": upload})

    assert send(as_user(outsider), package).status_code == 403
    malformed = send(as_user(clerk), b"<edXML><khong-hop-le")
    assert malformed.status_code == 400 and malformed.json()["detail"]
    assert not Document.objects.exists()
    imported = send(as_user(clerk), package)
    assert imported.status_code == 201, imported.content
    assert imported.json()["subject"].startswith("Về việc hướng dẫn tuyên truyền")
    assert send(as_user(clerk), package).status_code == 409
