"""A queryset whose `update()` says which rows it changed (caches of those rows listen)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.dispatch import Signal

# Sent after `QuerySet.update()` on a model using `UpdateNotifyingQuerySet`: sender is the model,
# `ids` the primary keys of the rows the update matched (read just before it).
rows_updated = Signal()


class UpdateNotifyingQuerySet(models.QuerySet[Any]):
    """`update()` bypasses save signals; this one sends `rows_updated` with the rows' ids."""

    def update(self, **kwargs: Any) -> int:
        if not rows_updated.has_listeners(self.model):
            return super().update(**kwargs)
        ids = list(self.order_by().values_list("pk", flat=True))
        count = super().update(**kwargs)
        if ids:
            rows_updated.send(sender=self.model, ids=ids)
        return count
