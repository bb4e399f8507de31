"""Outside-in permission tests: nobody outside a document's participants reads or downloads it
through any page or API endpoint.

The URLs are not listed by hand: every page pattern of `vcnet.documents.urls` and every API path
operation under /api/v1/documents that takes an id is enumerated, its ids filled from a set of
real documents of `province` (incoming and outgoing, in several states, one of them Tối mật),
and called with GET and POST by the `outsider` (official of `other_province`), a `citizen`, an
anonymous client, and an `official` of the same unit who takes no part. A URL added tomorrow is
covered without touching this file.
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from vcnet.accounts.models import Role, Unit, User
from vcnet.documents.access import grant_holding_unit, grant_user
from vcnet.documents.models import (
    AccessLog,
    Approval,
    ApprovalStep,
    Assignment,
    AssignmentRole,
    CaseFile,
    CaseFileItem,
    Confidentiality,
    Delivery,
    Direction,
    Document,
    DocumentEvent,
    ExtensionRequest,
    FileKind,
    Source,
    Status,
    WorkItem,
    WorkKind,
)
from vcnet.documents.services.common import file_store, files_guard, index_document
from vcnet.documents.tests.factories import make_pdf

pytestmark = pytest.mark.django_db

API_PREFIX = "/api/v1/documents"
PAGE_PREFIX = "/documents/"
# An ASCII marker in every subject: the JSON API escapes Vietnamese letters, the marker survives.
MARK = "MATLO"


@dataclass
class Doc:
    """A document of `province` with the related rows an id in a URL may point at."""

    document: Document
    token: str
    ids: dict[str, int] = field(default_factory=dict)


def make_document(
    unit: Unit,
    *,
    token: str,
    direction: str,
    status: str,
    creator: User,
    confidentiality: int = Confidentiality.NORMAL,
    grant_unit: bool = True,
) -> Doc:
    """A document made with the ORM (as the services would leave it), its main PDF stored,
    indexed for search, readable by the roles of `unit` its confidentiality allows."""
    subject = f"Công văn về việc tuyên truyền kỷ niệm ngày thành lập Đảng {MARK}-{token}"
    document = Document.objects.create(
        direction=direction,
        unit=unit,
        status=status,
        source=Source.UPLOAD if direction == Direction.INCOMING else Source.DRAFTED,
        subject=subject,
        organ_name="Ban Tuyên giáo Trung ương",
        code_number="15",
        code_notation="CV/BTGTW",
        confidentiality=confidentiality,
        created_by=creator,
    )
    with files_guard():
        stored = file_store(
            document,
            upload=io.BytesIO(make_pdf(subject)),
            name="cong-van.pdf",
            kind=FileKind.MAIN,
            actor=creator,
        )
    document.save()
    if grant_unit:
        grant_holding_unit(document)
    index_document(document.pk)
    return Doc(document, f"{MARK}-{token}", {"file": stored.pk})


@pytest.fixture
def documents(
    province: Unit, other_province: Unit, clerk: User, leader: User, official: User
) -> list[Doc]:
    """Documents of `province` in several states; `official` takes part in none of them."""
    received = make_document(
        province,
        token="den-moi",
        direction=Direction.INCOMING,
        status=Status.RECEIVED,
        creator=clerk,
    )
    WorkItem.objects.create(
        document=received.document, kind=WorkKind.REGISTER, unit=province, role=Role.CLERK
    )

    handling = make_document(
        province,
        token="dang-xu-ly",
        direction=Direction.INCOMING,
        status=Status.IN_PROGRESS,
        creator=clerk,
    )
    line = Assignment.objects.create(
        document=handling.document,
        role=AssignmentRole.LEAD,
        user=leader,
        assigned_by=leader,
        deadline=timezone.localdate(),
    )
    extension = ExtensionRequest.objects.create(
        assignment=line,
        requested_by=leader,
        new_deadline=timezone.localdate(),
        reason="Cần thêm thời gian lấy ý kiến",
    )
    handling.ids.update(assignment=line.pk, extension=extension.pk)

    draft = make_document(
        province,
        token="du-thao",
        direction=Direction.OUTGOING,
        status=Status.CONTENT_REVIEW,
        creator=clerk,
    )
    approval = Approval.objects.create(
        document=draft.document, step=ApprovalStep.CONTENT, user=leader
    )
    draft.ids.update(approval=approval.pk)

    issued = make_document(
        province,
        token="da-ban-hanh",
        direction=Direction.OUTGOING,
        status=Status.ISSUED,
        creator=clerk,
    )
    Delivery.objects.create(
        document=issued.document,
        unit=other_province,
        organ_name=other_province.name,
        status_code="01",
    )

    secret = make_document(
        province,
        token="toi-mat",
        direction=Direction.INCOMING,
        status=Status.REGISTERED,
        creator=leader,
        confidentiality=Confidentiality.TOP_SECRET,
    )

    case_file = CaseFile.objects.create(
        unit=province, year=2026, notation="HS-01", title="Hồ sơ tuyên truyền", owner=leader
    )
    docs = [received, handling, draft, issued, secret]
    for ordinal, doc in enumerate(docs, start=1):
        CaseFileItem.objects.create(
            case_file=case_file, document=doc.document, ordinal=ordinal, added_by=leader
        )
        doc.ids["case_file"] = case_file.pk
    return docs


# --- Enumerating the URLs ---------------------------------------------------------------------
_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_API_PARAM = re.compile(r"\{(?:(?P<conv>\w+):)?(?P<name>\w+)\}")


def _walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route, entry.callback


def _id_for(name: str, before: str, doc: Doc) -> tuple[int, bool]:
    """The id a URL parameter stands for: the document's, or a related row's (a file of it, a
    routing line, a case file holding it), told by the parameter's name or the path segment
    before it."""
    segment = [part for part in before.split("/") if part][-1:] or [""]
    hint = f"{segment[0]} {name}".replace("-", "_").lower()
    for key in ("extension", "approval", "assignment", "case_file", "file"):
        if key in hint and key in doc.ids:
            return doc.ids[key], key == "file"
    return doc.document.pk, True


def _fill(path: str, *, api: bool, doc: Doc, slugs: list[str]) -> list[tuple[str, bool]]:
    """`path` with its parameters filled (ids from `doc`, each slug from `slugs`), and whether
    one of the ids is the document's own (else the URL is about a related row, a case file)."""
    pattern = _API_PARAM if api else _PARAM
    filled = [""]
    last = 0
    about_document = False
    for match in pattern.finditer(path):
        literal = path[last : match.start()]
        conv, name = match.group("conv"), match.group("name")
        values = slugs
        if api or conv == "int":
            value, is_document = _id_for(name, path[: match.start()], doc)
            about_document = about_document or is_document
            values = [str(value)]
        filled = [f"{head}{literal}{value}" for head in filled for value in values]
        last = match.end()
    return [(f"{head}{path[last:]}", about_document) for head in filled]


def _action_names(callback: Any) -> list[str]:
    """Names a `<slug:...>` of a page URL may take: the keys of the upper-case tables in the
    view's module (e.g. its ACTIONS registry), else every transition name of the API."""
    import sys

    module = sys.modules.get(getattr(callback, "__module__", ""), None)
    names: set[str] = set()
    for attr, value in vars(module).items() if module else ():
        if attr.isupper() and isinstance(value, dict):
            names.update(k for k in value if isinstance(k, str))
    if not names:
        for path in _schema_paths():
            if path.startswith(API_PREFIX):
                names.add(path.rstrip("/").rsplit("/", 1)[-1])
    return sorted(n for n in names if re.fullmatch(r"[-\w]+", n))


def page_urls(doc: Doc) -> list[tuple[str, bool]]:
    """Every page URL of the e-office that takes an id, filled for `doc`."""
    from vcnet.documents import urls

    found = []
    for route, callback in _walk(urls.urlpatterns, PAGE_PREFIX):
        if _PARAM.search(route):
            slugs = _action_names(callback) if re.search(r"<(slug|str):", route) else []
            found.extend(_fill(route, api=False, doc=doc, slugs=slugs))
    return found


def api_operations(doc: Doc) -> list[tuple[str, str, bool, bool]]:
    """(method, path, multipart, about the document) of every API operation under /documents
    that takes an id."""
    operations = []
    for path, item in _schema_paths().items():
        if not path.startswith(API_PREFIX) or "{" not in path:
            continue
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            multipart = "multipart/form-data" in content
            for url, about_document in _fill(path, api=True, doc=doc, slugs=[]):
                operations.append((method.upper(), url, multipart, about_document))
    return operations


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _json_body(doc: Doc, someone: User) -> dict[str, Any]:
    """A body that passes validation for every JSON endpoint, so the access check is reached."""
    return {
        "reason": "Gửi nhầm đơn vị",
        "leader": someone.pk,
        "submit_to": someone.pk,
        "lines": [{"role": "lead", "user_id": someone.pk}],
        "comment": "Đề nghị xử lý",
        "body": "Ý kiến của tôi",
        "note": "",
        "result": "Đã xử lý xong",
        "new_deadline": "2030-12-31",
        "approve": True,
        "accept": True,
        "content_approver": someone.pk,
        "layout_checker": someone.pk,
        "signer": someone.pk,
        "subject": "Sửa trích yếu",
        "document_id": doc.document.pk,
        "issued_date": "2026-01-05",
        "certificate": 1,
        "pin": "123456",
    }


@functools.cache
def _pdf() -> bytes:
    return make_pdf("Tệp kèm theo")


@functools.cache
def _schema_paths() -> dict[str, Any]:
    from vcnet.api import api

    paths: dict[str, Any] = api.get_openapi_schema()["paths"]
    return paths


def _multipart(someone: User) -> dict[str, Any]:
    pdf = _pdf()
    return {
        "file": io.BytesIO(pdf),
        "main": io.BytesIO(pdf),
        "note": "Bản mới",
        "data": json.dumps({"unit_id": 1, "fields": {"subject": "Dự thảo"}}),
        "subject": "Sửa trích yếu",
        "unit_id": "1",
    }


def _state(doc: Doc) -> tuple[Any, ...]:
    document = Document.objects.get(pk=doc.document.pk)
    return (
        document.status,
        document.subject,
        document.files.count(),
        DocumentEvent.objects.filter(document=document).count(),
        document.comments.count(),
        Assignment.objects.filter(document=document).count(),
        AccessLog.objects.filter(document=document).count(),
    )


def _assert_refused(
    response: Any, doc: Doc, what: str, *, anonymous: bool, about_document: bool = True
) -> None:
    """No 200 with the document in it; a refusal status where the URL names the document."""
    body = _body(response)
    allowed = {401, 403, 404, 405} | ({302} if anonymous else set())
    if about_document or anonymous:
        assert response.status_code in allowed, f"{what}: {response.status_code}"
    if response.status_code == 302:
        assert "login" in response["Location"], f"{what}: redirected to {response['Location']}"
    assert doc.token.encode() not in body, f"{what} shows the document"
    assert not body.startswith(b"%PDF"), f"{what} hands out the file"


def _clients(request: pytest.FixtureRequest) -> dict[str, tuple[Client, User | None]]:
    clients: dict[str, tuple[Client, User | None]] = {"anonymous": (Client(), None)}
    for persona in ("outsider", "citizen", "official"):
        user: User = request.getfixturevalue(persona)
        client = Client()
        client.force_login(user)
        clients[persona] = (client, user)
    return clients


def _rotate(
    clients: dict[str, tuple[Client, User | None]], turn: int
) -> list[tuple[str, tuple[Client, User | None]]]:
    """One persona per (document, URL), in turn: with more documents than personas, every URL
    meets every persona and every document meets every persona, at a quarter of the requests.
    (The read URLs are also called by every persona for every document, below.)"""
    items = list(clients.items())
    return [items[turn % len(items)]]


# --- The tests ------------------------------------------------------------------------------
def test_urls_are_enumerated(documents: list[Doc]) -> None:
    """The enumeration finds the detail page, the file download and the API's transitions."""
    doc = documents[0]
    pages = dict(page_urls(doc))
    assert pages[f"/documents/{doc.document.pk}/"] is True
    operations = {(m, u) for m, u, _, _ in api_operations(doc)}
    assert ("GET", f"{API_PREFIX}/{doc.document.pk}") in operations
    assert ("GET", f"{API_PREFIX}/{doc.document.pk}/files/{doc.ids['file']}") in operations
    assert ("POST", f"{API_PREFIX}/{doc.document.pk}/register") in operations
    assert len(operations) >= 25


def test_nobody_outside_reads_a_document_through_any_page(
    documents: list[Doc], request: pytest.FixtureRequest
) -> None:
    clients = _clients(request)
    for i, doc in enumerate(documents):
        before = _state(doc)
        for j, (url, about) in enumerate(page_urls(doc)):
            for persona, (client, _user) in _rotate(clients, i + j):
                anonymous = persona == "anonymous"
                got = client.get(url)
                _assert_refused(
                    got, doc, f"GET {url} as {persona}", anonymous=anonymous, about_document=about
                )
                posted = client.post(url, {"reason": "x", "body": "x", "note": "x"})
                _assert_refused(
                    posted,
                    doc,
                    f"POST {url} as {persona}",
                    anonymous=anonymous,
                    about_document=about,
                )
        assert _state(doc) == before, f"{doc.token} changed"


def test_nobody_outside_reads_a_document_through_any_api_endpoint(
    documents: list[Doc], request: pytest.FixtureRequest, leader: User
) -> None:
    clients = _clients(request)
    for i, doc in enumerate(documents):
        before = _state(doc)
        for j, (method, url, multipart, about) in enumerate(api_operations(doc)):
            for persona, (client, user) in _rotate(clients, i + j):
                what = f"{method} {url} as {persona}"
                if method == "GET":
                    response = client.get(url)
                elif multipart:
                    response = client.post(url, _multipart(leader))
                else:
                    response = client.generic(
                        method,
                        url,
                        json.dumps(_json_body(doc, user or leader)),
                        content_type="application/json",
                    )
                anonymous = persona == "anonymous"
                _assert_refused(response, doc, what, anonymous=anonymous, about_document=about)
                if anonymous:
                    assert response.status_code == 401, what
                elif about:
                    # Not even the shape of the answer tells that the document exists.
                    assert response.status_code in (404, 405), what
        assert _state(doc) == before, f"{doc.token} changed"


def test_nobody_outside_reads_or_downloads_any_document(
    documents: list[Doc], request: pytest.FixtureRequest
) -> None:
    """Every persona, every document: the page, the file, the API detail, files and download."""
    clients = _clients(request)
    for doc in documents:
        pk, file_id = doc.document.pk, doc.ids["file"]
        urls = [
            f"/documents/{pk}/",
            f"/documents/{pk}/files/{file_id}/",
            f"{API_PREFIX}/{pk}",
            f"{API_PREFIX}/{pk}/files",
            f"{API_PREFIX}/{pk}/files/{file_id}",
        ]
        for persona, (client, _user) in clients.items():
            for url in urls:
                anonymous = persona == "anonymous"
                _assert_refused(client.get(url), doc, f"{url} as {persona}", anonymous=anonymous)
        assert not AccessLog.objects.filter(document=doc.document).exists()


def test_participants_do_read_them(documents: list[Doc], clerk: User, leader: User) -> None:
    """The same URLs answer the unit's registry and leader (the refusals above are not a
    broken endpoint)."""
    client = Client()
    client.force_login(leader)
    for doc in documents:
        response = client.get(f"{API_PREFIX}/{doc.document.pk}")
        assert response.status_code == 200, doc.token
        assert response.json()["subject"].endswith(doc.token)
        download = client.get(f"{API_PREFIX}/{doc.document.pk}/files/{doc.ids['file']}")
        assert download.status_code == 200 and _body(download).startswith(b"%PDF")


def test_top_secret_is_not_readable_by_the_clerk_unless_named(
    documents: list[Doc], clerk: User
) -> None:
    secret = documents[-1]
    url = f"{API_PREFIX}/{secret.document.pk}"
    client = Client()
    client.force_login(clerk)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/files/{secret.ids['file']}").status_code == 404
    assert client.get(f"/documents/{secret.document.pk}/").status_code == 404
    listed = client.get(API_PREFIX).content
    assert secret.token.encode() not in listed
    assert documents[0].token.encode() in listed  # a normal one is there

    grant_user(secret.document, clerk, "named")
    assert client.get(url).status_code == 200


def test_search_and_list_never_return_unreadable_documents(
    documents: list[Doc], request: pytest.FixtureRequest, clerk: User
) -> None:
    clients = _clients(request)
    for persona, (client, _user) in clients.items():
        for url in (
            API_PREFIX,
            f"{API_PREFIX}?q={MARK}",
            f"{API_PREFIX}?q=tuyen+truyen+ky+niem",
            f"{API_PREFIX}/inbox",
            f"{API_PREFIX}/case-files",
            f"{API_PREFIX}/case-files/{documents[0].ids['case_file']}",
        ):
            response = client.get(url)
            body = _body(response)
            assert MARK.encode() not in body, f"{url} as {persona}"
            if persona == "anonymous":
                assert response.status_code == 401
    # The clerk finds the normal ones by search, without diacritics, but not the Tối mật one.
    client = Client()
    client.force_login(clerk)
    found = client.get(f"{API_PREFIX}?q=tuyen+truyen+ky+niem").json()["items"]
    tokens = {item["subject"].rsplit(" ", 1)[-1] for item in found}
    assert documents[0].token in tokens
    assert documents[-1].token not in tokens
