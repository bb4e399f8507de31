"""The audit log in the admin: administrators browse and filter it; nobody can change it there."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vcnet.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "actor_repr", "action", "object_type", "object_repr", "ip")
    list_display_links = ("id", "created_at")
    list_filter = ("action", "object_type")
    date_hierarchy = "created_at"
    search_fields = ("actor_repr", "object_repr", "object_id", "=actor_id", "=ip")
    show_full_result_count = False  # counting a long log on every page load is wasted work
    list_per_page = 50
    actions = ()
    fields = (
        "created_at",
        "actor_id",
        "actor_repr",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "ip",
        "data",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    # Read-only for everyone, superusers included: the chain is only appended to by services.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
