"""A pgvector column for passage vectors, on PostgreSQL where the `vector` extension exists.

Elsewhere (SQLite, PostgreSQL without pgvector) this migration does nothing and the vectors are
scored in process (`vcnet.assistant.vectors`). The column is not a model field: only
`vectors` reads and writes it. A trigger empties it when `embedding` changes without it, so
`vectors` fills it again before the next query.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, migrations, transaction

TABLE = "assistant_passage"
COLUMN = "embedding_v"
DIM = 384


def _has_extension(cursor: Any, view: str) -> bool:
    column = "extname" if view == "pg_extension" else "name"
    cursor.execute(f"SELECT 1 FROM {view} WHERE {column} = 'vector'")  # noqa: S608
    return cursor.fetchone() is not None


def add_column(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not _has_extension(cursor, "pg_extension"):
            if not _has_extension(cursor, "pg_available_extensions"):
                return
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
            except DatabaseError:  # not allowed to create it: vectors stay in process
                return
        cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {COLUMN} vector({DIM})")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS assistant_passage_vector_missing ON {TABLE} (id) "
            f"WHERE {COLUMN} IS NULL"
        )
        cursor.execute(
            "CREATE OR REPLACE FUNCTION assistant_passage_vector_stale() RETURNS trigger AS $$ "
            "BEGIN "
            f"IF NEW.embedding IS DISTINCT FROM OLD.embedding AND NEW.{COLUMN} IS NOT DISTINCT "
            f"FROM OLD.{COLUMN} THEN NEW.{COLUMN} := NULL; END IF; "
            "RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS assistant_passage_vector_stale ON {TABLE}")
        cursor.execute(
            f"CREATE TRIGGER assistant_passage_vector_stale BEFORE UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION assistant_passage_vector_stale()"
        )
    # Existing rows are filled by `vectors` before the first query that needs them.


def drop_column(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS assistant_passage_vector_stale ON {TABLE}")
        cursor.execute("DROP FUNCTION IF EXISTS assistant_passage_vector_stale()")
        cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("assistant", "0001_initial")]

    operations = [migrations.RunPython(add_column, drop_column, elidable=False)]
