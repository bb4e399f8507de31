"""Rows that carry a `version`: a new random token on every change, so caches key on it.

A post's status card and an actor's account are cached under (id, version) by `social.cards`:
a changed row has a new version, so a card of the old one is simply never asked for again, in
any process, whatever changed the row. `save()` and `QuerySet.update()` set a new version (except
when they change only fields listed in `UNVERSIONED`, such as an actor's last activity); a
change to a row shown with a post (its poll, images) touches the post (`versions_touch`).
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.db import models


def new_version() -> int:
    return secrets.randbits(62)


class VersionedQuerySet(models.QuerySet[Any]):
    """`update()` gives the rows a new version unless it changes only unversioned fields."""

    def update(self, **kwargs: Any) -> int:
        unversioned: frozenset[str] = getattr(self.model, "UNVERSIONED", frozenset())
        if "version" not in kwargs and not set(kwargs) <= unversioned:
            kwargs["version"] = new_version()
        return super().update(**kwargs)


class Versioned(models.Model):
    """A model whose rows get a new `version` whenever they change."""

    UNVERSIONED: ClassVar[frozenset[str]] = frozenset()

    version = models.BigIntegerField(default=new_version, editable=False)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or not set(fields) <= self.UNVERSIONED:
            self.version = new_version()
            if fields is not None:
                kwargs["update_fields"] = {*fields, "version"}
        super().save(*args, **kwargs)


def versions_touch(model: type[models.Model], ids: list[int]) -> None:
    """Give these rows a new version (something shown with them changed)."""
    ids = [int(i) for i in ids if i]
    if ids:
        model._default_manager.filter(pk__in=ids).update(version=new_version())
