"""The default report reasons (administrators may rename, add or retire them)."""

from django.db import migrations

from vcnet.moderation.defaults import reasons_ensure


def add(apps, schema_editor):
    reasons_ensure(apps.get_model("moderation", "ReportReason"))


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
