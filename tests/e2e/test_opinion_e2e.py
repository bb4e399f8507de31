"""Opinion monitoring in a real browser: an analyst signs in, the dashboard draws its charts
from the aggregates, a sentiment card drills down to the public items behind it (no author),
and the PDF report downloads."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory, UserFactory
from vcnet.opinion import aggregates, pipeline, services
from vcnet.opinion.models import ItemKind
from vcnet.opinion.types import ItemDraft

COMMENTS = [
    ("Cán bộ phường hướng dẫn làm căn cước rất tận tình, cảm ơn nhiều.", "Nghệ An"),
    ("Dịch vụ công trực tuyến giờ tiện thật, nộp hồ sơ ngay tại nhà.", "Hà Nội"),
    ("Đường ngập cả tuần không ai xử lý, xe chết máy hàng loạt, quá bức xúc.", "Hà Nội"),
    ("Giá điện tăng liên tục mà lương không tăng, hóa đơn gấp đôi, thất vọng.", "Nghệ An"),
    ("Phường thông báo lịch tiêm chủng cho trẻ em vào sáng thứ bảy.", "Nghệ An"),
]


@pytest.fixture
def analyst(province: Unit) -> User:
    user = UserFactory(full_name="Hoàng Thị Lan", email="phantich@nghean.vcnet.test")
    MembershipFactory(user=user, unit=province, role=Role.ANALYST, title="Chuyên viên phân tích")
    return user


@pytest.mark.e2e
def test_an_analyst_reads_the_dashboard_drills_down_and_downloads_the_report(
    page: Any, live_server: Any, transactional_db: None, analyst: User, password: str
) -> None:
    from playwright.sync_api import expect

    hour = aggregates.hour_of(timezone.now())
    drafts = [
        ItemDraft(f"e2e-{n}", ItemKind.COMMENT, text, hour - dt.timedelta(hours=n), province=p)
        for n, (text, p) in enumerate(COMMENTS)
    ]
    services.ingest(services.platform_source(), drafts)
    pipeline.process_pending()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto("/accounts/login/?next=/opinion/")
    page.locator("input[name='login']").fill(analyst.email or "")
    page.locator("input[name='password']").fill(password)
    page.locator("input[name='password']").press("Enter")
    page.wait_for_url(re.compile(r"/opinion/$"))

    expect(page.get_by_test_id("total")).to_have_text("5")
    # Chart.js (from npm, served by VCNET) drew the three charts.
    for chart in ("op-series", "op-sentiment", "op-provinces"):
        expect(page.locator(f"#{chart}")).to_be_visible()
        box = page.locator(f"#{chart}").bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
    assert page.evaluate("typeof window.Chart") == "function"

    # The negative card leads to the public negative items, and nothing names a person.
    page.locator(".op-card-negative").click()
    page.wait_for_url(re.compile(r"/opinion/items/\?.*sentiment=negative"))
    shown = page.locator("[id^='item-']")
    expect(shown).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Đường ngập cả tuần")
    expect(page.locator("main")).not_to_contain_text(analyst.get_full_name())

    page.goto("/opinion/")
    with page.expect_download() as download_info:
        page.locator("a[href*='export.pdf']").click()
    download = download_info.value
    assert download.suggested_filename.startswith("bao-cao-du-luan-")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert errors == []
