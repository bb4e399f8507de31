"""The default report reasons (administrators may rename, add or retire them)."""

from django.db import migrations

REASONS = [
    # code, name, description, severity, needs_text, position
    ("false_information", "Thông tin sai sự thật", "Nội dung sai hoặc gây hiểu lầm về sự kiện, chính sách.", 3, False, 1),
    ("spam", "Tin rác, quảng cáo", "Nội dung lặp lại, quảng cáo, lừa đảo.", 2, False, 2),
    ("harassment", "Quấy rối, xúc phạm", "Lăng mạ, đe dọa hoặc bắt nạt một người.", 4, False, 3),
    ("illegal", "Nội dung vi phạm pháp luật", "Nội dung mà pháp luật cấm đăng tải.", 5, False, 4),
    ("other", "Lý do khác", "Hãy mô tả vấn đề.", 1, True, 9),
]


def add(apps, schema_editor):
    ReportReason = apps.get_model("moderation", "ReportReason")
    for code, name, description, severity, needs_text, position in REASONS:
        ReportReason.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "severity": severity,
                "needs_text": needs_text,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
