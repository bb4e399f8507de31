"""Case files (hồ sơ công việc): a document in several files without copies, ordinals, closing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from vcnet.accounts.models import Unit, User
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.documents.models import CaseFile, CaseFileItem, Document, EventVerb
from vcnet.documents.services.incoming import (
    casefile_add,
    casefile_close,
    casefile_create,
    document_register,
)
from vcnet.documents.tests.factories import receive


@pytest.fixture
def case_file(clerk: User, province: Unit) -> CaseFile:
    return casefile_create(
        actor=clerk,
        unit=province,
        title="Hồ sơ tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng",
        notation="TT.01",
        retention="10 năm",
    )


def test_create_a_case_file(case_file: CaseFile, clerk: User, province: Unit) -> None:
    assert (case_file.unit, case_file.owner, case_file.state) == (province, clerk, "open")
    assert case_file.year == timezone.localdate().year
    assert case_file.retention == "10 năm"


def test_create_is_checked(
    clerk: User, official: User, outsider: User, province: Unit, case_file: CaseFile
) -> None:
    with pytest.raises(PermissionDeniedError):
        casefile_create(actor=outsider, unit=province, title="Hồ sơ lạ", notation="X.01")
    with pytest.raises(Conflict, match=r"TT\.01"):
        casefile_create(actor=official, unit=province, title="Trùng ký hiệu", notation="tt.01")
    with pytest.raises(DomainError, match="title"):
        casefile_create(actor=clerk, unit=province, title=" ", notation="TT.02")
    with pytest.raises(DomainError, match="notation"):
        casefile_create(actor=clerk, unit=province, title="Hồ sơ", notation="T" * 21)
    with pytest.raises(DomainError, match="Unknown"):
        casefile_create(actor=clerk, unit=province, title="Hồ sơ", notation="TT.03", colour="đỏ")
    with pytest.raises(DomainError, match="year"):
        casefile_create(actor=clerk, unit=province, title="Hồ sơ", notation="TT.04", year=1800)
    # Same notation in another year is another file.
    other = casefile_create(
        actor=official,
        unit=province,
        title="Hồ sơ năm trước",
        notation="TT.01",
        year=timezone.localdate().year - 1,
    )
    assert other.pk != case_file.pk
    assert CaseFile.objects.count() == 2


def test_a_document_in_several_files_without_copies(
    clerk: User, province: Unit, case_file: CaseFile
) -> None:
    first = receive(clerk, province, subject="Kế hoạch tuyên truyền")
    second = receive(clerk, province, subject="Báo cáo kết quả tuyên truyền")
    document_register(actor=clerk, document=first)
    casefile_add(actor=clerk, case_file=case_file, document=first)
    casefile_add(actor=clerk, case_file=case_file, document=second)
    casefile_add(actor=clerk, case_file=case_file, document=first)  # idempotent
    assert list(case_file.items.values_list("document_id", "ordinal")) == [
        (first.pk, 1),
        (second.pk, 2),
    ]
    another = casefile_create(
        actor=clerk, unit=province, title="Hồ sơ Đại hội Đảng bộ tỉnh", notation="DH.01"
    )
    casefile_add(actor=clerk, case_file=another, document=first)
    assert set(first.case_files.all()) == {case_file, another}
    assert Document.objects.count() == 2  # nothing copied
    assert first.events.filter(verb=EventVerb.FILED).count() == 2


def test_add_is_checked(
    clerk: User,
    official: User,
    outsider: User,
    province: Unit,
    other_province: Unit,
    case_file: CaseFile,
) -> None:
    document = receive(clerk, province)
    # The official is a member of the unit but may not read the document (not a participant).
    with pytest.raises(NotFound):
        casefile_add(actor=official, case_file=case_file, document=document)
    with pytest.raises(PermissionDeniedError):
        casefile_add(actor=outsider, case_file=case_file, document=document)
    assert not CaseFileItem.objects.exists()


def test_close(
    clerk: User, leader: User, official: User, province: Unit, case_file: CaseFile
) -> None:
    with pytest.raises(PermissionDeniedError):
        casefile_close(actor=official, case_file=case_file)
    casefile_close(actor=leader, case_file=case_file)
    assert (case_file.state, case_file.closed_at is not None) == ("closed", True)
    with pytest.raises(Conflict):
        casefile_close(actor=clerk, case_file=case_file)
    with pytest.raises(Conflict, match="closed"):
        casefile_add(actor=clerk, case_file=case_file, document=receive(clerk, province))
