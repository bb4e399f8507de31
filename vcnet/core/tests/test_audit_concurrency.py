"""Many writers appending to the audit chain at once leave a chain that verifies (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from vcnet.core.audit import audit_verify, audit_write
from vcnet.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer at a time: concurrent appends need PostgreSQL",
)

THREADS = 8
PER_THREAD = 25


def _in_threads(target: object, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(n: int) -> None:
        try:
            start.wait()
            target(n)  # type: ignore[operator]
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("head_exists", [True, False], ids=["head-exists", "first-append"])
def test_concurrent_appends_keep_the_chain_whole(head_exists: bool) -> None:
    if head_exists:
        audit_write(actor=None, action="demo.load")
    else:
        assert not AuditHead.objects.exists()  # every thread races to create the head row
    before = AuditEntry.objects.count()

    def append(n: int) -> None:
        for i in range(PER_THREAD):
            with transaction.atomic():
                audit_write(actor=None, action="post.create", data={"thread": n, "i": i})

    assert _in_threads(append, THREADS) == []
    count, broken = audit_verify()
    assert broken is None
    assert count == before + THREADS * PER_THREAD == AuditEntry.objects.count()


@pytest.mark.django_db(transaction=True)
def test_verifying_while_others_append_reports_no_false_break() -> None:
    results: list[tuple[int, object]] = []

    def work(n: int) -> None:
        if n == 0:
            for _ in range(10):
                results.append(audit_verify())
        else:
            for i in range(PER_THREAD):
                audit_write(actor=None, action="comment.create", data={"thread": n, "i": i})

    assert _in_threads(work, 4) == []
    assert results and all(broken is None for _count, broken in results)
    assert audit_verify() == (3 * PER_THREAD, None)
