"""Saved searches: a person keeps a search of the document list to run it again."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vcnet.accounts.models import User
from vcnet.core.errors import Conflict, DomainError, NotFound
from vcnet.documents.models import SavedSearch

MAX_SAVED = 50


def savedsearch_create(*, actor: User, name: str, params: dict[str, Any]) -> SavedSearch:
    """Keep the search `params` under `name` for `actor` (names are unique per person)."""
    name = name.strip()
    if not actor.is_authenticated:
        raise NotFound(_("Saved search not found."))
    if not name:
        raise DomainError(_("Give the search a name."))
    clean = {str(k): str(v)[:200] for k, v in params.items() if v not in (None, "")}
    with transaction.atomic():
        if SavedSearch.objects.filter(user=actor).count() >= MAX_SAVED:
            raise DomainError(_("You have too many saved searches; delete some first."))
        try:
            with transaction.atomic():
                return SavedSearch.objects.create(user=actor, name=name[:100], params=clean)
        except IntegrityError as exc:
            raise Conflict(_("You already have a saved search with this name.")) from exc


def savedsearch_delete(*, actor: User, search_id: int) -> None:
    """Delete one of `actor`'s saved searches (nobody else's)."""
    deleted, _rows = SavedSearch.objects.filter(user_id=actor.pk, pk=search_id).delete()
    if not deleted:
        raise NotFound(_("Saved search not found."))


def saved_searches(user: User) -> list[SavedSearch]:
    """`user`'s saved searches, by name."""
    if not user.is_authenticated:
        return []
    return list(SavedSearch.objects.filter(user=user).order_by("name"))
