# PostgreSQL: a stored tsvector column (computed by the database) with its GIN index, so ranking
# and rechecking read the vector instead of re-parsing the folded text of every candidate row.
# SQLite keeps its FTS5 table; nothing changes there.

from django.db import migrations

PG_UP = [
    "ALTER TABLE core_searchentry ADD COLUMN IF NOT EXISTS tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, folded)) STORED",
    "CREATE INDEX IF NOT EXISTS core_searchentry_tsv ON core_searchentry USING gin (tsv)",
    "DROP INDEX IF EXISTS core_searchentry_folded_tsv",
]
PG_DOWN = [
    "CREATE INDEX IF NOT EXISTS core_searchentry_folded_tsv ON core_searchentry "
    "USING gin (to_tsvector('simple'::regconfig, folded))",
    "DROP INDEX IF EXISTS core_searchentry_tsv",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS tsv",
]


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_searchentry")]

    operations = [migrations.RunPython(up, down)]
