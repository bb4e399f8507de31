"""Administration of people, units, levels and memberships.

Only superusers change the organisation (the services' rule); staff with view rights may look.
New units and memberships go through the services (`unit_create` sets the tree path); every
other change the admin makes is written to the audit log beside Django's own admin log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.identifiers import normalize_email, normalize_phone
from vcnet.accounts.models import Membership, Unit, UnitLevel, User
from vcnet.accounts.services import membership_add, unit_create
from vcnet.core.audit import audit_write


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit entry for every change made through the admin, in the same transaction."""

    # Models whose additions a service already audits (unit_create, membership_add).
    audited_by_service_on_add = False

    def _action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}.admin_{verb}"

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if not self.audited_by_service_on_add:
            audit_write(actor=request.user, action=self._action("add"), obj=obj, request=request)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_write(
            actor=request.user,
            action=self._action("change"),
            obj=obj,
            data={"changes": message},
            request=request,
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            audit_write(actor=request.user, action=self._action("delete"), obj=obj, request=request)
        return super().log_deletions(request, queryset)


class SuperuserWritesMixin:
    """Only superusers add, change or delete; staff with view permission may browse."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class _IdentifierCleaning(forms.ModelForm):
    """E-mail addresses are stored in lower case, phone numbers in +84… form."""

    def clean_email(self) -> str | None:
        email = self.cleaned_data.get("email")
        return normalize_email(email) if email else None

    def clean_phone(self) -> str | None:
        raw = self.cleaned_data.get("phone")
        if not raw:
            return None
        phone = normalize_phone(raw)
        if phone is None:
            raise forms.ValidationError(
                _("Enter a phone number such as 0912 345 678 or +84 912 345 678.")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if not cleaned.get("email") and not cleaned.get("phone"):
            raise forms.ValidationError(_("Enter an e-mail address or a phone number."))
        return cleaned


class UserCreationForm(_IdentifierCleaning, auth_forms.AdminUserCreationForm):
    """The admin's form for a new account: e-mail and/or phone, full name, password."""

    class Meta:
        model = User
        fields = ("email", "phone", "full_name")


class UserChangeForm(_IdentifierCleaning, auth_forms.UserChangeForm):
    """The admin's form for an existing account; the password is changed on its own page."""

    class Meta:
        model = User
        fields = (
            "email",
            "phone",
            "password",
            "full_name",
            "avatar",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )


class MembershipInlineFormSet(BaseInlineFormSet):
    """Saves new memberships through `membership_add`, and audits edits and removals."""

    request: HttpRequest

    def save_new(self, form: forms.ModelForm, commit: bool = True) -> Membership:
        obj = form.instance
        return membership_add(
            actor=self.request.user,  # type: ignore[arg-type]
            user=self.instance,
            unit=obj.unit,
            role=obj.role,
            title=obj.title,
            request=self.request,
        )

    def save_existing(self, form: forms.ModelForm, obj: Any, commit: bool = True) -> Any:
        saved = super().save_existing(form, obj, commit=commit)
        audit_write(
            actor=self.request.user,
            action="membership.admin_change",
            obj=saved,
            data={"fields": form.changed_data},
            request=self.request,
        )
        return saved

    def delete_existing(self, obj: Any, commit: bool = True) -> None:
        audit_write(
            actor=self.request.user, action="membership.admin_delete", obj=obj, request=self.request
        )
        super().delete_existing(obj, commit=commit)


class MembershipInline(SuperuserWritesMixin, admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    fields = ("unit", "role", "title", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("unit",)
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})


@admin.register(User)
class UserAdmin(SuperuserWritesMixin, AuditedAdmin, auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (_("Personal info"), {"fields": ("full_name", "avatar")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "phone",
                    "full_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("full_name", "email", "phone", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "memberships__role", "groups")
    search_fields = ("full_name", "email", "phone")
    ordering = ("full_name", "id")
    readonly_fields = ("last_login", "date_joined")
    inlines = (MembershipInline,)

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else ()


@admin.register(UnitLevel)
class UnitLevelAdmin(SuperuserWritesMixin, AuditedAdmin):
    list_display = ("name", "code", "rank")
    search_fields = ("name", "code")
    ordering = ("rank", "code")


class ValidTodayFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "valid"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Valid today")), ("no", _("Merged or dissolved"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> Any:
        current = Unit.objects.valid_on().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=current)
        if self.value() == "no":
            return queryset.exclude(pk__in=current)
        return queryset


def _adopt(obj: Any, created: Any) -> None:
    """Make the admin's unsaved `obj` the row a service created, so the admin goes on with it."""
    obj.__dict__.update(created.__dict__)


@admin.register(Unit)
class UnitAdmin(SuperuserWritesMixin, AuditedAdmin):
    audited_by_service_on_add = True
    list_display = ("name", "short_name", "code", "level", "parent", "valid_from", "valid_to")
    list_filter = (ValidTodayFilter, "level")
    list_select_related = ("level", "parent")
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent",)
    fields = ("name", "short_name", "code", "level", "parent", "valid_from", "valid_to", "path")
    readonly_fields = ("path",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Moving a unit would have to rewrite the whole subtree's paths: not an admin edit.
        return ("parent", "path") if obj is not None else ("path",)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = unit_create(
            actor=request.user,  # type: ignore[arg-type]
            code=obj.code,
            short_name=obj.short_name,
            name=obj.name,
            level=obj.level,
            parent=obj.parent,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            request=request,
        )
        _adopt(obj, created)


@admin.register(Membership)
class MembershipAdmin(SuperuserWritesMixin, AuditedAdmin):
    audited_by_service_on_add = True
    list_display = ("user", "unit", "role", "title", "created_at")
    list_filter = ("role", "unit__level")
    list_select_related = ("user", "unit")
    search_fields = ("user__full_name", "user__email", "unit__name", "unit__short_name", "title")
    autocomplete_fields = ("user", "unit")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = membership_add(
            actor=request.user,  # type: ignore[arg-type]
            user=obj.user,
            unit=obj.unit,
            role=obj.role,
            title=obj.title,
            request=request,
        )
        _adopt(obj, created)
