"""Numbers and notations given when the registry numbers an outgoing document (Decree 30 Art. 15,
Appendix I; Party Guideline 36)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.errors import DomainError
from vcnet.documents.models import (
    Direction,
    Document,
    IssuerAbbreviation,
    NotationStyle,
    Register,
    RegisterCounter,
)
from vcnet.documents.numbering import register_for, unit_profile
from vcnet.documents.services.outgoing import document_number
from vcnet.documents.tests.outgoing_flow import doc_type, draft, member, sub_unit, to_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(official: User, leader: User, clerk: User) -> dict[str, User]:
    return {"drafter": official, "content": leader, "layout": clerk, "signer": leader}


def _signed(province: Unit, people: dict[str, User], **kwargs: object) -> Document:
    drafting_unit = kwargs.pop("drafting_unit", None)
    drafter = kwargs.pop("drafter", people["drafter"])
    document = draft(drafter, province, drafting_unit=drafting_unit, **kwargs)  # type: ignore[arg-type]
    return to_issue(document, **{**people, "drafter": drafter})  # type: ignore[arg-type]


def _number(clerk: User, document: Document, day: dt.date | None = None) -> Document:
    return document_number(actor=clerk, document=document, issued_date=day)


def _counter(province: Unit, last: int, *, confidential: bool = False) -> None:
    register = register_for(
        unit=province, direction=Direction.OUTGOING, doc_type=None, confidential=confidential
    )
    RegisterCounter.objects.update_or_create(
        register=register,
        period_key=str(timezone.localdate().year),
        defaults={"last_number": last},
    )


def test_state_style_numbers_below_ten_get_a_leading_zero(
    province: Unit, people: dict[str, User], clerk: User
) -> None:
    assert _number(clerk, _signed(province, people)).code == "01/QĐ-BTGTU"
    _counter(province, 4)
    assert _number(clerk, _signed(province, people)).code == "05/QĐ-BTGTU"
    _counter(province, 9)
    numbered = _number(clerk, _signed(province, people, type_code="ke-hoach"))
    assert (numbered.code_number, numbered.code_notation, numbered.code) == (
        "10",
        "KH-BTGTU",
        "10/KH-BTGTU",
    )


def test_state_official_letter_names_the_drafting_unit(
    province: Unit, people: dict[str, User], clerk: User
) -> None:
    office = sub_unit(province)
    specialist = member(office, Role.OFFICIAL, "Vũ Thị Hạnh", "Chuyên viên")
    head = member(office, Role.LEADER, "Đặng Quốc Huy", "Chánh Văn phòng")
    _counter(province, 14)
    letter = _signed(
        province,
        {**people, "content": head},
        drafter=specialist,
        drafting_unit=office,
        type_code="cong-van",
    )
    assert _number(clerk, letter).code == "15/BTGTU-VP"
    # Drafted by the issuing unit itself: the issuer alone.
    assert _number(clerk, _signed(province, people, type_code="cong-van")).code == "16/BTGTU"


def test_party_style(province: Unit, people: dict[str, User], clerk: User) -> None:
    profile = unit_profile(province)
    profile.style = NotationStyle.PARTY
    profile.save()
    _counter(province, 122)
    assert _number(clerk, _signed(province, people, type_code="cong-van")).code == "123-CV/BTGTU"
    regulation = _number(clerk, _signed(province, people, type_code="quy-dinh"))
    assert regulation.code == "124-QĐi/BTGTU"  # Party abbreviation of Quy định


def test_a_register_pattern_wins(province: Unit, people: dict[str, User], clerk: User) -> None:
    register = register_for(
        unit=province, direction=Direction.OUTGOING, doc_type=None, confidential=False
    )
    register.notation_pattern = "{number}/{type}-{issuer}"
    register.save()
    _counter(province, 6)
    numbered = _number(clerk, _signed(province, people, type_code="ke-hoach"))
    assert numbered.code == "7/KH-BTGTU"  # {number}: no leading zero
    register.notation_pattern = "{number02}/{issuer}-{drafting}"
    register.save()
    office = sub_unit(province, "TT", "Phòng Tuyên truyền")
    specialist = member(office, Role.OFFICIAL, "Vũ Thị Hạnh", "Chuyên viên")
    head = member(office, Role.LEADER, "Đặng Quốc Huy", "Trưởng phòng")
    letter = _signed(
        province,
        {**people, "content": head},
        drafter=specialist,
        drafting_unit=office,
        type_code="cong-van",
    )
    assert _number(clerk, letter).code == "08/BTGTU-TT"


def test_abbreviation_changed_by_a_merger_follows_the_issue_date(
    province: Unit, people: dict[str, User], clerk: User
) -> None:
    today = timezone.localdate()
    merger = today - dt.timedelta(days=10)
    IssuerAbbreviation.objects.create(
        unit=province, abbreviation="BTGTU", valid_to=merger - dt.timedelta(days=1)
    )
    IssuerAbbreviation.objects.create(unit=province, abbreviation="BTGDVTU", valid_from=merger)
    before = _number(clerk, _signed(province, people), today - dt.timedelta(days=20))
    after = _number(clerk, _signed(province, people), today)
    assert before.code_notation == "QĐ-BTGTU"
    assert after.code_notation == "QĐ-BTGDVTU"
    assert before.issued_date == today - dt.timedelta(days=20)


def test_confidential_and_normative_documents_have_their_own_series(
    province: Unit, people: dict[str, User], clerk: User
) -> None:
    resolutions = Register.objects.create(
        unit=province,
        direction=Direction.OUTGOING,
        name="Sổ đăng ký nghị quyết",
        doc_type=doc_type("nghi-quyet"),
    )
    _counter(province, 30)
    normal = _number(clerk, _signed(province, people))
    secret = _number(clerk, _signed(province, people, confidentiality=1))
    resolution = _number(clerk, _signed(province, people, type_code="nghi-quyet"))
    assert normal.code == "31/QĐ-BTGTU"
    assert (secret.code, secret.register is not None and secret.register.confidential) == (
        "01/QĐ-BTGTU",
        True,
    )
    assert (resolution.code, resolution.register) == ("01/NQ-BTGTU", resolutions)


def test_numbering_fills_the_issuer_and_signer(
    province: Unit, people: dict[str, User], clerk: User
) -> None:
    profile = unit_profile(province)
    profile.organ_id = "000.00.31.H40"
    profile.place = "Nghệ An"
    profile.save()
    numbered = _number(clerk, _signed(province, people))
    assert (numbered.organ_name, numbered.organ_id, numbered.place) == (
        "Ban Tuyên giáo Tỉnh ủy Nghệ An",
        "000.00.31.H40",
        "Nghệ An",
    )
    assert (numbered.signer_name, numbered.signer_position) == ("Nguyễn Văn An", "Trưởng ban")
    assert numbered.registered_year == str(timezone.localdate().year)
    # What the drafter typed is kept.
    typed = _number(clerk, _signed(province, people, signer_position="KT. TRƯỞNG BAN"))
    assert typed.signer_position == "KT. TRƯỞNG BAN"


def test_a_future_issue_date_is_refused_and_uses_no_number(
    province: Unit, people: dict[str, User], clerk: User
) -> None:
    document = _signed(province, people)
    with pytest.raises(DomainError):
        _number(clerk, document, timezone.localdate() + dt.timedelta(days=1))
    document.refresh_from_db()
    assert document.code_number == ""
    assert _number(clerk, document).code == "01/QĐ-BTGTU"
