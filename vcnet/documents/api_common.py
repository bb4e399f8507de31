"""Parsing helpers the e-office API modules (`api`, `api_outgoing`) share: who is asking, which
document, person, unit or upload a request names. The services decide the rest."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.files import UploadedFile

from vcnet.accounts.models import Unit, User
from vcnet.core.api_auth import current_user
from vcnet.core.errors import DomainError
from vcnet.documents.access import document_for_user
from vcnet.documents.models import Document
from vcnet.documents.services.incoming import Upload

BAD_PERSON = "bad_person"


def request_user(request: HttpRequest) -> User:
    user: User = current_user(request)
    return user


def request_document(request: HttpRequest, document_id: int) -> Document:
    """A document the caller may read (404 otherwise)."""
    return document_for_user(request_user(request), document_id)


def person_get(user_id: int) -> User:
    """An active person named in a request body; a 400 if there is none with that id."""
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise DomainError(_("There is no such person."), code=BAD_PERSON)
    return person


def unit_get(unit_id: int) -> Unit:
    """A unit named in a request body; a 400 if there is none with that id."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise DomainError(_("There is no such unit."), code="bad_unit")
    return unit


def upload_of(file: UploadedFile) -> Upload:
    return Upload(stream=file, name=file.name or "tep")
