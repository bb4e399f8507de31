"""Administrators register applications in DOT's admin and describe them here (directory entry)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import Role
from vcnet.core.audit import audit_write
from vcnet.sso.models import AppProfile, Consent, RpSession
from vcnet.sso.selectors import directory_changed


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class AppProfileForm(forms.ModelForm):
    allowed_roles = forms.MultipleChoiceField(
        label=_("allowed roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only people holding one of these roles may use it; none ticked means any role."
        ),
    )

    class Meta:
        model = AppProfile
        formfield_callback = _formfield
        fields = (
            "application",
            "description",
            "icon",
            "icon_image",
            "launch_url",
            "first_party",
            "backchannel_logout_uri",
            "allowed_units",
            "allowed_roles",
        )


@admin.register(AppProfile)
class AppProfileAdmin(admin.ModelAdmin):
    form = AppProfileForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("__str__", "first_party", "launch_url", "updated_at")
    list_filter = ("first_party",)
    search_fields = ("application__name", "application__client_id", "description")
    filter_horizontal = ("allowed_units",)
    autocomplete_fields = ("application",)

    def save_model(self, request: HttpRequest, obj: AppProfile, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            application = obj.application
            if application.skip_authorization != obj.first_party:
                application.skip_authorization = obj.first_party
                application.save(update_fields=["skip_authorization"])
            audit_write(
                actor=request.user,
                action="sso.app_update" if change else "sso.app_register",
                obj=obj,
                data={"client_id": application.client_id, "changed": form.changed_data},
                request=request,
            )
        transaction.on_commit(directory_changed)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "application", "scopes", "granted_at")
    search_fields = ("user__email", "application__name")
    raw_id_fields = ("user",)


@admin.register(RpSession)
class RpSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "application", "created_at")
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
