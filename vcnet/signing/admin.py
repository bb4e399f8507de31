"""Administration of the platform CA, signing certificates and trusted roots.

Keys are never shown. Certificates are revoked through the service (so the CRL and OCSP know);
trusted roots are added through the service (it checks the certificate and audits the change).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vcnet.core.errors import DomainError
from vcnet.signing import ca
from vcnet.signing.models import Authority, Certificate, TrustedRoot


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "serial", "not_after", "crl_number", "active")
    list_filter = ("role", "active")
    exclude = ("key_pem",)
    readonly_fields = (
        "role",
        "name",
        "parent",
        "certificate_pem",
        "serial",
        "not_before",
        "not_after",
        "crl_number",
        "active",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `vcnet signing init-ca`

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description=_("Revoke the selected certificates (superseded)"))
def revoke_superseded(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Certificate]
) -> None:
    count = 0
    for certificate in queryset.filter(status=Certificate.Status.ACTIVE):
        try:
            ca.certificate_revoke(
                actor=request.user, certificate=certificate, reason="superseded", request=request
            )
        except DomainError as exc:
            modeladmin.message_user(request, str(exc.message), messages.ERROR)
        else:
            count += 1
    modeladmin.message_user(request, _("%(n)d certificate(s) revoked.") % {"n": count})


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("common_name", "purpose", "source", "owner", "unit", "not_after", "status")
    list_filter = ("purpose", "source", "status")
    search_fields = ("common_name", "serial", "fingerprint", "owner__full_name", "unit__name")
    exclude = ("key_pem",)
    actions = [revoke_superseded]
    list_select_related = ("owner", "unit")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Certificate._meta.fields if f.name not in ("label", "key_pem")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued, imported or registered on the "My signature" pages

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: signatures made with it still refer to it


class TrustedRootAddForm(forms.ModelForm):
    """A root given as a PEM text or a PEM/DER file; the service checks and stores it."""

    file = forms.FileField(label=_("Certificate file (PEM or DER)"), required=False)

    class Meta:
        model = TrustedRoot
        fields = ("name", "certificate_pem", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["certificate_pem"].required = False
        self.fields["name"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        raw: bytes | str = upload.read() if upload else data.get("certificate_pem") or ""
        if not raw:
            raise ValidationError(_("Give the root certificate as a file or as PEM text."))
        try:
            ca.trusted_root_check(raw)
        except DomainError as exc:
            raise ValidationError(str(exc.message)) from None
        data["raw"] = raw
        return data


@admin.register(TrustedRoot)
class TrustedRootAdmin(admin.ModelAdmin):
    list_display = ("name", "subject", "not_after", "active")
    list_filter = ("active",)
    search_fields = ("name", "subject", "fingerprint")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = TrustedRootAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("name", "file", "certificate_pem", "note")
        return ("name", "note", "active", "subject", "fingerprint", "not_after", "certificate_pem")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("subject", "fingerprint", "not_after", "certificate_pem")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # The form ran the service's checks already (`trusted_root_check`).
        root = ca.trusted_root_add(
            actor=request.user,
            certificate_pem=form.cleaned_data["raw"],
            name=form.cleaned_data.get("name") or "",
            note=form.cleaned_data.get("note") or "",
            request=request,
        )
        obj.pk = root.pk
        obj.__dict__.update(TrustedRoot.objects.get(pk=root.pk).__dict__)
