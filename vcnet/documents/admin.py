"""Administration of the e-office's configuration: document types and abbreviations (with
validity dates), unit profiles, registers, delegations and exchange partners.

Documents themselves are not in the admin: administrators run the system, they do not read its
documents (see `access.py`); every change here is written to the audit log.
"""

from __future__ import annotations

from django.contrib import admin

from vcnet.accounts.admin import AuditedAdmin, SuperuserWritesMixin
from vcnet.documents.models import (
    Delegation,
    DocumentType,
    ExchangePartner,
    IssuerAbbreviation,
    Register,
    UnitProfile,
)


@admin.register(DocumentType)
class DocumentTypeAdmin(SuperuserWritesMixin, AuditedAdmin):
    list_display = (
        "name",
        "abbreviation",
        "party_abbreviation",
        "normative",
        "valid_from",
        "valid_to",
        "position",
    )
    list_editable = ("abbreviation", "party_abbreviation", "position")
    search_fields = ("name", "code", "abbreviation", "party_abbreviation")
    list_filter = ("normative",)


@admin.register(UnitProfile)
class UnitProfileAdmin(SuperuserWritesMixin, AuditedAdmin):
    list_display = ("unit", "organ_id", "style", "place")
    search_fields = ("unit__name", "unit__code", "organ_id")
    list_filter = ("style",)
    autocomplete_fields = ("unit",)


@admin.register(IssuerAbbreviation)
class IssuerAbbreviationAdmin(SuperuserWritesMixin, AuditedAdmin):
    list_display = ("unit", "abbreviation", "valid_from", "valid_to")
    search_fields = ("unit__name", "abbreviation")
    autocomplete_fields = ("unit",)


@admin.register(Register)
class RegisterAdmin(SuperuserWritesMixin, AuditedAdmin):
    list_display = ("name", "unit", "direction", "confidential", "doc_type", "period", "active")
    list_filter = ("direction", "confidential", "period", "active")
    search_fields = ("name", "unit__name")
    autocomplete_fields = ("unit",)


@admin.register(Delegation)
class DelegationAdmin(SuperuserWritesMixin, AuditedAdmin):
    list_display = (
        "grantor",
        "delegate",
        "unit",
        "reference",
        "valid_from",
        "valid_to",
        "revoked_at",
    )
    search_fields = ("grantor__full_name", "delegate__full_name", "reference")
    autocomplete_fields = ("unit", "grantor", "delegate")


@admin.register(ExchangePartner)
class ExchangePartnerAdmin(SuperuserWritesMixin, AuditedAdmin):
    list_display = ("name", "organ_id", "adapter", "active")
    search_fields = ("name", "organ_id")
    list_filter = ("adapter", "active")
