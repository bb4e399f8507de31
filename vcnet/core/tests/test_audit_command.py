"""`vcnet audit verify` and `vcnet audit tail`, in process and as a real command with its exit code."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_verify_counts_the_entries_of_an_intact_chain(citizen: User) -> None:
    assert "OK: 0 entries verified." in _run("verify")
    for i in range(3):
        audit_write(actor=citizen, action="post.create", data={"i": i})
    assert "OK: 3 entries verified." in _run("verify")


@pytest.mark.django_db
def test_verify_names_the_first_altered_entry(citizen: User) -> None:
    entries = [audit_write(actor=citizen, action="post.create", data={"i": i}) for i in range(4)]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET actor_repr = %s WHERE id = %s",
            ["Kẻ giả mạo", entries[1].id],
        )
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("audit", "verify", stdout=StringIO())
    assert caught.value.returncode == 1
    message = str(caught.value)
    assert f"entry {entries[1].id}" in message and "changed" in message


@pytest.mark.django_db
def test_verify_finds_an_entry_slipped_in_after_the_head(citizen: User) -> None:
    first = audit_write(actor=citizen, action="post.create")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (created_at, actor_repr, action, object_type, object_id,"
            " object_repr, data, prev_hash, hash) VALUES (%s, '', 'forged', '', '', '', '{}', %s, %s)",
            [first.created_at, first.hash, "f" * 64],
        )
    with translation.override("en"), pytest.raises(CommandError, match="after the chain head"):
        call_command("audit", "verify", stdout=StringIO())


@pytest.mark.django_db
def test_tail_shows_the_latest_entries_oldest_first(citizen: User, admin: User) -> None:
    audit_write(actor=citizen, action="post.create")
    audit_write(actor=admin, action="unit.create")
    audit_write(actor=None, action="demo.load")
    lines = _run("tail", "-n", "2").splitlines()
    assert len(lines) == 2
    assert "unit.create" in lines[0] and "Quản Trị Viên" in lines[0]
    assert "demo.load" in lines[1] and "(system)" in lines[1]
    assert len(_run("tail").splitlines()) == 3


@pytest.mark.django_db
def test_tail_refuses_a_count_below_one() -> None:
    with translation.override("en"), pytest.raises(CommandError, match="at least 1"):
        call_command("audit", "tail", "-n", "0")


def test_the_command_exits_1_after_a_row_is_altered_with_raw_sql(tmp_path: Path) -> None:
    """A real `vcnet` process on its own SQLite database, whichever database the suite uses."""
    db = tmp_path / "vcnet.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "VCNET_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("REDIS_URL", None)
    setup = (
        "import django; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from vcnet.core.audit import audit_write;"
        "[audit_write(actor=None, action='post.create', data={'i': i}) for i in range(3)]"
    )
    env_setup = {**env, "DJANGO_SETTINGS_MODULE": "vcnet.settings"}
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env_setup, check=True, timeout=120)
    vcnet = [sys.executable, "-m", "vcnet", "audit", "verify"]

    ok = subprocess.run(vcnet, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr

    with sqlite3.connect(db) as raw:
        (target,) = raw.execute(
            "SELECT id FROM core_auditentry ORDER BY id LIMIT 1 OFFSET 1"
        ).fetchone()
        raw.execute("UPDATE core_auditentry SET data = '{\"i\": 99}' WHERE id = ?", [target])
    broken = subprocess.run(vcnet, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1
    assert str(target) in broken.stderr


@pytest.mark.django_db
def test_verify_notices_a_deleted_chain_head(citizen: User) -> None:
    first = audit_write(actor=citizen, action="post.create")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_audithead")
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("audit", "verify", stdout=StringIO())
    assert f"entry {first.id}" in str(caught.value) and "head is missing" in str(caught.value)
