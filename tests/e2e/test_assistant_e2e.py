"""The assistant's "done when", in a real browser: an official opens the panel on a page, asks
without diacritics about a library document, sees the answer with its citation, follows it to the
right page of the document, and says the answer did not help, with a comment.

Set VCNET_SHOTS to a folder to keep screenshots of the panel (desktop and phone widths).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vcnet.accounts.models import User
from vcnet.assistant import services
from vcnet.assistant.models import Turn
from vcnet.assistant.tests.test_web_pages import pdf_pages

PAGE_ONE = "Chương I. Quy định chung về công tác văn thư của cơ quan."
PAGE_TWO = (
    "Điều 5. Văn bản đến phải được giải quyết trong thời hạn 7 ngày làm việc kể từ ngày nhận."
)
QUESTION = "thoi han giai quyet van ban den la bao nhieu ngay"
COMMENT = "Cần nêu rõ trường hợp văn bản hỏa tốc"


@pytest.mark.e2e
def test_an_official_asks_the_panel_follows_the_citation_and_rates_the_answer(
    page: Any,
    live_server: Any,
    transactional_db: None,
    official: User,
    admin: User,
    password: str,
    tmp_path: Path,
    settings: Any,
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VCNET_LLM_BASE_URL = ""
    shots = Path(os.environ.get("VCNET_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    upload = SimpleUploadedFile("quy-che-van-thu.pdf", pdf_pages(PAGE_ONE, PAGE_TWO))
    rules = services.library_create(
        admin, title="Quy chế công tác văn thư", kind="Quy chế", number="05-QC/BTG", upload=upload
    )
    page.set_default_timeout(30_000)  # the first question loads the embedding model

    page.goto("/accounts/login/?next=/assistant/faq/")
    page.locator("input[name='login']").fill(official.email or "")
    page.locator("input[name='password']").fill(password)
    page.locator("input[name='password']").press("Enter")
    page.wait_for_url(re.compile(r"/assistant/faq/$"))

    # The panel opens from the button on any page, with the focus in the question box.
    opener = page.locator("[data-asst-open]")
    opener.click()
    panel = page.locator("#asst-panel")
    expect(panel).to_be_visible()
    expect(opener).to_have_attribute("aria-expanded", "true")
    question = panel.locator("textarea[name='question']")
    expect(question).to_be_focused()

    # Esc closes it and gives the focus back to the button; it opens again as it was.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(opener).to_be_focused()
    opener.click()
    expect(question).to_be_focused()

    question.fill(QUESTION)
    question.press("Enter")
    turn_item = panel.locator(".asst-turn").last
    expect(turn_item.locator(".asst-q")).to_contain_text(QUESTION)
    expect(turn_item.locator(".asst-a-text")).to_contain_text("7 ngày làm việc")
    citation = turn_item.locator(".asst-cites a").first
    expect(citation).to_contain_text("Quy chế công tác văn thư")
    expect(turn_item.locator(".asst-ref").first).to_have_text("[1]")
    expect(question).to_have_value("")
    page.screenshot(path=str(shots / "assistant_panel.png"))

    # The citation leads to the page of the document that says it.
    citation.click()
    page.wait_for_url(re.compile(rf"/assistant/library/{rules.pk}/#page-2$"))
    expect(page.locator("#page-2")).to_contain_text("7 ngày làm việc")
    expect(page.locator("#page-2")).to_be_in_viewport()

    # Back in the panel (on this page), the conversation is still there; thumbs down + comment.
    page.locator("[data-asst-open]").click()
    turn_item = page.locator("#asst-panel .asst-turn").last
    expect(turn_item.locator(".asst-q")).to_contain_text(QUESTION)
    turn_item.locator("[data-thumb='down']").click()
    expect(turn_item.locator("[data-thumb='down']")).to_have_attribute("aria-pressed", "true")
    comment = turn_item.locator("textarea[name='comment']")
    expect(comment).to_be_focused()
    comment.fill(COMMENT)
    # The thumb's answer already says "saved": wait for the comment's own answer.
    with page.expect_response(lambda r: r.request.method == "POST" and "/rate" in r.url) as sent:
        turn_item.locator(".asst-comment button[type='submit']").click()
    assert sent.value.ok
    expect(turn_item.locator(".asst-saved")).to_be_visible()
    expect(turn_item.locator("textarea[name='comment']")).to_have_value(COMMENT)

    turn = Turn.objects.get()
    assert turn.conversation.user_id == official.pk
    assert turn.rating == -1 and turn.feedback == COMMENT

    # On a phone the panel fills the screen.
    page.set_viewport_size({"width": 375, "height": 740})
    box = page.locator("#asst-panel").bounding_box()
    assert box is not None and box["width"] >= 370
    page.screenshot(path=str(shots / "assistant_panel_phone.png"))
