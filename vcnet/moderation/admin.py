"""Administration of moderation: the list of report reasons (kept here by administrators),
moderator roles, and read-only views of automatic rules and cases.

Rules are written through the moderation pages (so the matcher's cache and the audit follow),
cases only through the moderation services; the admin shows them for support. Every change made
here is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vcnet.accounts.admin import AuditedAdmin
from vcnet.moderation.models import Case, ModeratorRole, Report, ReportReason, Rule


@admin.register(ReportReason)
class ReportReasonAdmin(AuditedAdmin):
    """The reasons offered when people report something, in order; retire one by unticking
    "offered" (reasons already used cannot be deleted)."""

    list_display = ("name", "code", "severity", "needs_text", "active", "position")
    list_editable = ("severity", "needs_text", "active", "position")
    list_display_links = ("name",)
    search_fields = ("name", "code", "description")
    ordering = ("position", "id")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (obj.reports.exists() or obj.actions.exists()):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ModeratorRole)
class ModeratorRoleAdmin(AuditedAdmin):
    """Who moderates the whole site, a unit or a group."""

    list_display = ("user", "scope", "unit", "group", "granted_by", "created_at")
    list_filter = ("scope",)
    search_fields = ("user__email", "user__full_name", "unit__name", "group__name")
    autocomplete_fields = ("user",)
    raw_id_fields = ("unit", "group")
    readonly_fields = ("granted_by", "created_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


class _ReadOnly:
    """Shown, never changed here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rule)
class RuleAdmin(_ReadOnly, admin.ModelAdmin):
    """Automatic rules, for reference; they are edited on the moderation pages."""

    list_display = ("name", "match", "outcome", "severity", "active", "hits_count", "created_at")
    list_filter = ("active", "match", "outcome")
    search_fields = ("name", "pattern")


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ("created_at", "reporter", "reason", "rule", "text")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(_ReadOnly, admin.ModelAdmin):
    """Cases and their reports, read-only: moderators decide them on the moderation pages."""

    list_display = (
        "id",
        "target_key",
        "state",
        "source",
        "severity",
        "reports_count",
        "created_at",
        "closed_at",
    )
    list_filter = ("state", "source", "target_kind")
    search_fields = ("target_key",)
    date_hierarchy = "created_at"
    list_select_related = True
    inlines = (ReportInline,)
