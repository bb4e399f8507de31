"""Rows that carry a `version`: a new random token on every change, so caches key on it.

A post's status card and an actor's account are cached under (id, version) by `social.cards`:
a changed row has a new version, so a card of the old one is simply never asked for again, in
any process, whatever changed the row. `save()` and `QuerySet.update()` set a new version (except
when they change only fields listed in `UNVERSIONED`, such as an actor's last activity); a
change to a row shown with a post (its poll, images) touches the post (`versions_touch`). With
Redis, each new version is also mirrored there when its transaction commits (home snapshots
compare them: `feeds.snapshot`); `update()` then reads the ids it changes first.
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
        if "version" not in kwargs or not _mirrored():
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        _publish(self.model, dict.fromkeys(ids, kwargs["version"]))
        return count


class Versioned(models.Model):
    """A model whose rows get a new `version` whenever they change."""

    UNVERSIONED: ClassVar[frozenset[str]] = frozenset()

    version = models.BigIntegerField(default=new_version, editable=False)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        versioned = fields is None or not set(fields) <= self.UNVERSIONED
        if versioned:
            self.version = new_version()
            if fields is not None:
                kwargs["update_fields"] = {*fields, "version"}
        super().save(*args, **kwargs)
        if versioned and _mirrored():
            _publish(type(self), {self.pk: self.version})


def _mirrored() -> bool:
    """Whether versions are mirrored in Redis (`feeds.snapshot`): with `REDIS_URL`."""
    from vcnet.social.feeds import redis as rfeed

    return rfeed.enabled()


def _publish(model: type[models.Model], versions: dict[int, int]) -> None:
    from vcnet.social.feeds.snapshot import publish

    publish(model, versions)


def versions_touch(model: type[models.Model], ids: list[int]) -> None:
    """Give these rows a new version (something shown with them changed)."""
    ids = [int(i) for i in ids if i]
    if ids:
        model._default_manager.filter(pk__in=ids).update(version=new_version())
