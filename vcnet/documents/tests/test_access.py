"""Who may read an incoming document as it moves: the registry and leaders of the holding unit
(as its confidentiality allows), the people and units named in a direction, nobody else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import UnitFactory
from vcnet.core.errors import NotFound
from vcnet.documents.access import can_read, document_for_user, readable_documents
from vcnet.documents.models import AssignmentRole, Confidentiality, Document
from vcnet.documents.services.incoming import (
    DirectionLine,
    document_direct,
    document_register,
    document_update_fields,
)
from vcnet.documents.tests.factories import incoming_fields, member, receive


@pytest.fixture
def second_clerk(province: Unit) -> User:
    return member(province, Role.CLERK, "Ngô Thị Lan", "lan@nghean.vcnet.test")


def _readers(document: Document, *people: User) -> list[bool]:
    return [can_read(person, document) for person in people]


def test_after_arrival_only_the_registry_and_leaders_read(
    clerk: User,
    second_clerk: User,
    leader: User,
    official: User,
    outsider: User,
    citizen: User,
    admin: User,
    province: Unit,
) -> None:
    document = receive(clerk, province)
    assert _readers(document, clerk, second_clerk, leader) == [True, True, True]
    assert _readers(document, official, outsider, citizen, admin) == [False] * 4
    for person in (official, outsider, citizen, admin):
        with pytest.raises(NotFound):
            document_for_user(person, document.pk)
    assert list(readable_documents(leader)) == [document]
    assert not readable_documents(AnonymousUser()).exists()  # type: ignore[arg-type]


def test_top_secret_documents_are_for_leaders_and_the_receiving_clerk(
    clerk: User, second_clerk: User, leader: User, province: Unit
) -> None:
    document = receive(clerk, province, confidentiality=Confidentiality.TOP_SECRET)
    assert _readers(document, clerk, second_clerk, leader) == [True, False, True]


def test_raising_confidentiality_withdraws_the_registrys_role(
    clerk: User, second_clerk: User, leader: User, province: Unit
) -> None:
    document = receive(clerk, province)
    document_update_fields(
        actor=clerk,
        document=document,
        fields=incoming_fields(confidentiality=Confidentiality.TOP_SECRET),
    )
    assert _readers(document, clerk, second_clerk, leader) == [True, False, True]
    document_update_fields(actor=clerk, document=document, fields=incoming_fields())
    assert _readers(document, clerk, second_clerk, leader) == [True, True, True]


def test_a_direction_opens_the_document_to_those_it_names(
    clerk: User, leader: User, official: User, outsider: User, province: Unit
) -> None:
    department = UnitFactory(
        code="phong-du-luan",
        short_name="PDL",
        name="Phòng Dư luận xã hội",
        level=province.level,
        parent=province,
    )
    dept_leader = member(department, Role.LEADER, "Lý Văn Nam", "nam@nghean.vcnet.test")
    dept_official = member(department, Role.OFFICIAL, "Tạ Thu Trang", "trang@nghean.vcnet.test")
    bystander = member(province, Role.OFFICIAL, "Cao Văn Phúc", "phuc@nghean.vcnet.test")
    document = receive(clerk, province)
    document_register(actor=clerk, document=document)
    assert _readers(document, official, dept_leader, dept_official) == [False] * 3
    _lead, dept_line = document_direct(
        actor=leader,
        document=document,
        lines=[
            DirectionLine(role=AssignmentRole.LEAD, user_id=official.pk),
            DirectionLine(role=AssignmentRole.COORDINATE, unit_id=department.pk),
        ],
    )
    assert _readers(document, official, dept_leader) == [True, True]
    assert _readers(document, dept_official, bystander, outsider) == [False] * 3
    document_direct(
        actor=dept_leader,
        document=document,
        parent=dept_line,
        lines=[DirectionLine(role=AssignmentRole.LEAD, user_id=dept_official.pk)],
    )
    assert _readers(document, dept_official, bystander, outsider) == [True, False, False]


def test_a_person_named_in_another_unit_brings_their_units_leaders(
    clerk: User, leader: User, province: Unit
) -> None:
    department = UnitFactory(
        code="phong-bao-chi",
        short_name="PBC",
        name="Phòng Báo chí, Xuất bản",
        level=province.level,
        parent=province,
    )
    dept_leader = member(department, Role.LEADER, "Mai Văn Sơn", "son@nghean.vcnet.test")
    dept_official = member(department, Role.OFFICIAL, "Kiều Thị Mai", "mai@nghean.vcnet.test")
    document = receive(clerk, province)
    document_register(actor=clerk, document=document)
    document_direct(
        actor=leader,
        document=document,
        lines=[
            DirectionLine(role=AssignmentRole.LEAD, unit_id=department.pk, user_id=dept_official.pk)
        ],
    )
    assert _readers(document, dept_official, dept_leader) == [True, True]
