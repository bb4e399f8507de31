"""Administration of the assistant: read-only views of its knowledge and conversations.

The FAQ and the library are edited on the assistant's pages (so they are reindexed and audited
through `vcnet.assistant.services`); passages are written only by the indexer. The one change
allowed here is a superuser deleting a conversation (a person's request), written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vcnet.accounts.admin import AuditedAdmin
from vcnet.assistant.models import (
    Conversation,
    FaqEntry,
    IndexCursor,
    LibraryDocument,
    Passage,
    Turn,
)


class _ReadOnly:
    """Shown, never changed here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LibraryDocument)
class LibraryDocumentAdmin(_ReadOnly, admin.ModelAdmin):
    """Published policy documents; added and edited on the assistant's library pages."""

    list_display = ("title", "number", "kind", "issuer", "issued_date", "published", "updated_at")
    list_filter = ("published", "kind")
    search_fields = ("title", "number", "issuer", "summary")
    exclude = ("pages",)


@admin.register(FaqEntry)
class FaqEntryAdmin(_ReadOnly, admin.ModelAdmin):
    """The FAQ; written on the assistant's FAQ pages."""

    list_display = ("question", "published", "created_by", "updated_at")
    list_filter = ("published",)
    search_fields = ("question", "answer")


@admin.register(Passage)
class PassageAdmin(_ReadOnly, admin.ModelAdmin):
    """Indexed passages, for support; rebuilt by `vcnet assistant reindex`."""

    list_display = ("title", "heading", "source_type", "source_id", "page", "updated_at")
    list_filter = ("source_type",)
    search_fields = ("title", "heading", "source_id")
    exclude = ("embedding",)


@admin.register(IndexCursor)
class IndexCursorAdmin(_ReadOnly, admin.ModelAdmin):
    """How far the incremental indexer has got."""

    list_display = ("source_type", "indexed_until", "last_run_at", "last_count")


class TurnInline(admin.TabularInline):
    model = Turn
    extra = 0
    can_delete = False
    fields = ("created_at", "question", "mode", "answered", "rating", "feedback", "reviewed_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(AuditedAdmin):
    """People's conversations with the assistant; a superuser may delete one on request."""

    list_display = ("title", "user", "created_at", "updated_at")
    search_fields = ("title", "user__email", "user__full_name")
    readonly_fields = ("user", "title", "created_at", "updated_at")
    inlines = (TurnInline,)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


@admin.register(Turn)
class TurnAdmin(_ReadOnly, admin.ModelAdmin):
    """Questions asked and the answers given, with ratings; reviewed on the review page."""

    list_display = ("question", "mode", "answered", "rating", "latency_ms", "created_at")
    list_filter = ("mode", "answered", "rating")
    search_fields = ("question", "answer", "feedback")
    raw_id_fields = ("conversation", "reviewed_by")
