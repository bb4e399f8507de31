import pytest
from django.db import connection

from vcnet.core.audit import audit_verify, audit_write
from vcnet.core.models import AuditEntry


@pytest.mark.django_db
def test_chain_verifies_then_detects_a_row_changed_by_hand(citizen) -> None:
    for i in range(3):
        audit_write(actor=citizen, action="test.event", data={"i": i})
    count, broken = audit_verify()
    assert broken is None and count >= 3
    target = AuditEntry.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET action = %s WHERE id = %s", ["tampered", target.id]
        )
    _count, broken = audit_verify()
    assert broken is not None and broken.entry_id == target.id


@pytest.mark.django_db
def test_deleting_the_last_row_is_detected(citizen) -> None:
    audit_write(actor=citizen, action="a")
    last = audit_write(actor=citizen, action="b")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [last.id])
    _count, broken = audit_verify()
    assert broken is not None
