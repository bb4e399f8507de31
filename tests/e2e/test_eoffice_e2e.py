"""The e-office's "done when", in a real browser through the pages alone.

A clerk receives an incoming PDF, registers it and submits it to the leader; the leader directs
it to an official with a deadline; the official finishes it before the deadline. The official
then drafts a reply; the leader approves its content, the clerk checks its layout, the leader
approves as signer and hands in the signed PDF; the clerk numbers and issues it to another
province, whose clerk sees it in the inbox at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory, UserFactory
from vcnet.documents.models import Direction, Document, DocumentType, Status
from vcnet.documents.tests.factories import make_pdf

INCOMING = "Công văn về việc tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam"
REPLY = "Báo cáo kết quả tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng"


def _types() -> None:
    """The document types of migration 0002 (a transactional test may have flushed them)."""
    if DocumentType.objects.exists():
        return
    from vcnet.documents.types_data import DOCUMENT_TYPES

    for position, (code, name, abbr, party, normative) in enumerate(DOCUMENT_TYPES):
        DocumentType.objects.create(
            code=code,
            name=name,
            abbreviation=abbr,
            party_abbreviation=party,
            normative=normative,
            position=position * 10,
        )


@contextmanager
def signed_in(browser: Any, base_url: str, user: User, password: str) -> Iterator[Any]:
    """A fresh browser (own cookies) with `user` signed in through the login page."""
    context = browser.new_context(base_url=base_url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/accounts/login/?next=/documents/")
        page.locator("input[name='login']").fill(user.email or "")
        page.locator("input[name='password']").fill(password)
        page.locator("input[name='password']").press("Enter")
        page.wait_for_url(re.compile(r"/documents/$"))
        yield page
    except Exception:
        Path("test-results").mkdir(exist_ok=True)
        page.screenshot(path=f"test-results/eoffice-{user.pk}.png", full_page=True)
        raise
    finally:
        context.close()


def _open(page: Any, subject: str) -> None:
    """Open a document from the inbox by its subject."""
    page.goto("/documents/")
    page.locator("a.eo-item-link", has_text=subject).first.click()
    page.wait_for_url(re.compile(r"/documents/\d+/$"))


def _act(page: Any, name: str) -> Any:
    return page.locator(f"form[data-action='{name}']").first


def _submit(page: Any, form: Any) -> None:
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    # A refused step comes back as an error message: fail with its text.
    errors = page.locator(".message-error")
    if errors.count():
        raise AssertionError(errors.first.inner_text())


def _status(document_id: int) -> str:
    return Document.objects.get(pk=document_id).status


@pytest.mark.e2e
def test_incoming_to_reply_issued_to_another_province(
    browser: Any,
    live_server: Any,
    transactional_db: None,
    clerk: User,
    leader: User,
    official: User,
    province: Unit,
    other_province: Unit,
    password: str,
    tmp_path: Path,
    settings: Any,
) -> None:
    from playwright.sync_api import expect

    # The signed PDF is handed in as a file here (the platform's signing and the seal have
    # their own end-to-end test), so the province issues without a seal certificate.
    settings.SIGNING_ISSUE_WITHOUT_SEAL = True
    _types()
    other_clerk = UserFactory(full_name="Võ Thị Hà", email="vanthu@hatinh.vcnet.test")
    MembershipFactory(user=other_clerk, unit=other_province, role=Role.CLERK, title="Văn thư")
    url = live_server.url
    incoming_pdf = tmp_path / "cong-van-den.pdf"
    incoming_pdf.write_bytes(make_pdf(INCOMING))
    reply_pdf = tmp_path / "du-thao-bao-cao.pdf"
    reply_pdf.write_bytes(make_pdf(REPLY))
    signed_pdf = tmp_path / "bao-cao-da-ky.pdf"
    signed_pdf.write_bytes(make_pdf(REPLY + " (đã ký)"))
    deadline = timezone.localdate() + dt.timedelta(days=3)

    # 1. The clerk receives the PDF, registers it and submits it to the leader at once.
    with signed_in(browser, url, clerk, password) as page:
        page.locator("a[href='/documents/receive/']").click()
        page.locator("input[name='main']").set_input_files(str(incoming_pdf))
        page.locator("select[name='doc_type']").select_option(label="Công văn")
        page.locator("input[name='code_number']").fill("125")
        page.locator("input[name='code_notation']").fill("CV/BTGTW")
        page.locator("input[name='organ_name']").fill("Ban Tuyên giáo Trung ương")
        page.locator("textarea[name='subject']").fill(INCOMING)
        page.locator("input[name='signer_name']").fill("Nguyễn Trọng Nghĩa")
        page.locator("input[name='due_date']").fill((deadline + dt.timedelta(days=4)).isoformat())
        with page.expect_navigation():
            page.locator("form.eo-form button[type='submit']").click()
        document_id = int(re.findall(r"/documents/(\d+)/", page.url)[0])
        register = _act(page, "register")
        register.locator("select[name='submit_to']").select_option(str(leader.pk))
        _submit(page, register)
        expect(page.locator(".eo-arrival")).to_have_text("1")
    assert _status(document_id) == Status.DIRECTING

    # 2. The leader directs it to the official as lead, with a deadline.
    with signed_in(browser, url, leader, password) as page:
        _open(page, INCOMING)
        direct = _act(page, "direct")
        direct.locator("select[name='lead']").select_option(f"p{official.pk}")
        direct.locator("input[name='deadline']").fill(deadline.isoformat())
        direct.locator("textarea[name='comment']").fill("Giao đồng chí Cường chủ trì tham mưu.")
        _submit(page, direct)
        expect(page.locator(".eo-tree")).to_contain_text(official.full_name)
    assert _status(document_id) == Status.IN_PROGRESS

    # 3. The official finishes before the deadline, then drafts the reply.
    with signed_in(browser, url, official, password) as page:
        _open(page, INCOMING)
        expect(page.locator(".eo-tree .badge-warning, .eo-tree .badge").first).to_be_visible()
        part = _act(page, "complete_part")
        part.locator("textarea").fill("Đã xây dựng kế hoạch và báo cáo kết quả.")
        _submit(page, part)
        assert _status(document_id) == Status.DONE

        page.locator(f"a[href='/documents/draft/?reply_to={document_id}']").click()
        page.locator("select[name='doc_type']").select_option(label="Báo cáo")
        page.locator("textarea[name='subject']").fill(REPLY)
        page.locator("select[name='recipient_units']").select_option(str(other_province.pk))
        page.locator("input[name='main']").set_input_files(str(reply_pdf))
        with page.expect_navigation():
            page.locator("form.eo-form button[type='submit']").click()
        reply_id = int(re.findall(r"/documents/(\d+)/", page.url)[0])
        send = _act(page, "draft_submit")
        send.locator("select[name='content_approver']").select_option(str(leader.pk))
        send.locator("select[name='layout_checker']").select_option(str(clerk.pk))
        send.locator("select[name='signer']").select_option(str(leader.pk))
        _submit(page, send)
    assert _status(reply_id) == Status.CONTENT_REVIEW

    # 4. Content (leader), layout (clerk), the signer's approval (leader), the signed PDF.
    for person, expected in (
        (leader, Status.LAYOUT_REVIEW),
        (clerk, Status.SIGNER_REVIEW),
        (leader, Status.TO_SIGN),
    ):
        with signed_in(browser, url, person, password) as page:
            _open(page, REPLY)
            decide = _act(page, "approve")
            decide.locator("select").first.select_option("1")
            _submit(page, decide)
            if expected == Status.TO_SIGN:
                sign = _act(page, "sign_upload")
                sign.locator("input[name='signed']").set_input_files(str(signed_pdf))
                _submit(page, sign)
                expected = Status.TO_ISSUE
        assert _status(reply_id) == expected

    # 5. The clerk numbers it and issues it to the other province.
    with signed_in(browser, url, clerk, password) as page:
        _open(page, REPLY)
        _submit(page, _act(page, "number"))
        expect(page.locator(".eo-code")).to_be_visible()
        _submit(page, _act(page, "issue"))
        expect(page.locator("table.table")).to_contain_text(other_province.name)
    assert _status(reply_id) == Status.ISSUED

    # 6. It is in the other province's inbox at once.
    with signed_in(browser, url, other_clerk, password) as page:
        expect(page.locator("a.eo-item-link", has_text=REPLY)).to_be_visible()
        _open(page, REPLY)
        expect(page.locator(".eo-subject")).to_have_text(REPLY)
    copy = Document.objects.get(direction=Direction.INCOMING, unit=other_province)
    assert copy.origin_id == reply_id
