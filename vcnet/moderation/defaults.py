"""The default report reasons: created by migration 0002, and again by the demo seed and the
tests when a flushed database has lost them (reporting itself relies on the migration)."""

from __future__ import annotations

# code, name, description, severity, needs_text, position
DEFAULT_REASONS: tuple[tuple[str, str, str, int, bool, int], ...] = (
    (
        "false_information",
        "Thông tin sai sự thật",
        "Nội dung sai hoặc gây hiểu lầm về sự kiện, chính sách.",
        3,
        False,
        1,
    ),
    ("spam", "Tin rác, quảng cáo", "Nội dung lặp lại, quảng cáo, lừa đảo.", 2, False, 2),
    ("harassment", "Quấy rối, xúc phạm", "Lăng mạ, đe dọa hoặc bắt nạt một người.", 4, False, 3),
    ("illegal", "Nội dung vi phạm pháp luật", "Nội dung mà pháp luật cấm đăng tải.", 5, False, 4),
    ("other", "Lý do khác", "Hãy mô tả vấn đề.", 1, True, 9),
)


def reasons_ensure(model: type | None = None) -> None:
    """Create the default reasons when there are none at all (an administrator's own list,
    even one with every reason retired, is left alone)."""
    if model is None:
        from vcnet.moderation.models import ReportReason

        model = ReportReason
    if model.objects.exists():  # type: ignore[attr-defined]
        return
    for code, name, description, severity, needs_text, position in DEFAULT_REASONS:
        model.objects.get_or_create(  # type: ignore[attr-defined]
            code=code,
            defaults={
                "name": name,
                "description": description,
                "severity": severity,
                "needs_text": needs_text,
                "position": position,
            },
        )
