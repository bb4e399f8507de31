"""Every change to the application directory and the provider's records: permission, transaction, audit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_refresh_token_model,
)

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.sso import keys
from vcnet.sso.models import AppProfile, Consent
from vcnet.sso.selectors import directory_changed

Application = get_application_model()
AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()

ROLE_VALUES = frozenset(Role.values)
_UNSET: Any = object()


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDeniedError(_("Only administrators may register applications."))


def _clean_roles(roles: Iterable[str]) -> list[str]:
    cleaned = sorted({str(role) for role in roles})
    unknown = [role for role in cleaned if role not in ROLE_VALUES]
    if unknown:
        raise DomainError(_("Unknown role: %(role)s.") % {"role": ", ".join(unknown)})
    return cleaned


def _full_clean(application: Any) -> None:
    try:
        application.full_clean(exclude=["client_secret", "user"])
    except ValidationError as exc:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise DomainError(
            _("The application cannot be saved: %(errors)s") % {"errors": messages}
        ) from None


def app_register(
    *,
    actor: User | None,
    name: str,
    client_id: str,
    client_secret: str,
    redirect_uris: Sequence[str],
    launch_url: str,
    backchannel_logout_uri: str = "",
    first_party: bool = True,
    client_type: str = "confidential",
    allowed_units: Iterable[Unit] = (),
    allowed_roles: Iterable[str] = (),
    description: str = "",
    icon: str = "",
    post_logout_redirect_uris: Sequence[str] = (),
    request: HttpRequest | None = None,
) -> AppProfile:
    """Register an OpenID Connect application (RS256, authorization code) with its directory entry.

    `client_secret` is stored hashed (DOT's CLIENT_SECRET_HASHER) and keeps working for client
    authentication; public clients have no secret and must use PKCE. `actor=None` is the system.
    """
    _require_admin(actor)
    if client_type not in (Application.CLIENT_CONFIDENTIAL, Application.CLIENT_PUBLIC):
        raise DomainError(_("The client type must be confidential or public."))
    if client_type == Application.CLIENT_CONFIDENTIAL and not client_secret:
        raise DomainError(_("A confidential application needs a client secret."))
    if not redirect_uris:
        raise DomainError(_("An application needs at least one redirect address."))
    if Application.objects.filter(client_id=client_id).exists():
        raise Conflict(_("An application with this client id already exists."))
    roles = _clean_roles(allowed_roles)
    units = list(allowed_units)
    with transaction.atomic():
        application = Application(
            name=name,
            client_id=client_id,
            client_secret=client_secret if client_type == Application.CLIENT_CONFIDENTIAL else "",
            client_type=client_type,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect_uris),
            post_logout_redirect_uris=" ".join(post_logout_redirect_uris),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=first_party,
        )
        _full_clean(application)
        application.save()
        profile = AppProfile.objects.create(
            application=application,
            icon=icon,
            description=description,
            launch_url=launch_url,
            first_party=first_party,
            backchannel_logout_uri=backchannel_logout_uri,
            allowed_roles=roles,
        )
        profile.allowed_units.set(units)
        transaction.on_commit(directory_changed)
        audit_write(
            actor=actor,
            action="sso.app_register",
            obj=profile,
            data={
                "client_id": client_id,
                "name": name,
                "first_party": first_party,
                "client_type": client_type,
                "allowed_units": [unit.code for unit in units],
                "allowed_roles": roles,
            },
            request=request,
        )
    return profile


def app_update(
    *,
    actor: User | None,
    profile: AppProfile,
    name: str = _UNSET,
    redirect_uris: Sequence[str] = _UNSET,
    post_logout_redirect_uris: Sequence[str] = _UNSET,
    launch_url: str = _UNSET,
    backchannel_logout_uri: str = _UNSET,
    first_party: bool = _UNSET,
    allowed_units: Iterable[Unit] = _UNSET,
    allowed_roles: Iterable[str] = _UNSET,
    description: str = _UNSET,
    icon: str = _UNSET,
    request: HttpRequest | None = None,
) -> AppProfile:
    """Change an application's directory entry; only the arguments given are changed."""
    _require_admin(actor)
    application = profile.application
    changed: dict[str, Any] = {}
    with transaction.atomic():
        if name is not _UNSET:
            application.name = changed["name"] = name
        if redirect_uris is not _UNSET:
            application.redirect_uris = changed["redirect_uris"] = " ".join(redirect_uris)
        if post_logout_redirect_uris is not _UNSET:
            application.post_logout_redirect_uris = " ".join(post_logout_redirect_uris)
            changed["post_logout_redirect_uris"] = application.post_logout_redirect_uris
        if first_party is not _UNSET:
            application.skip_authorization = profile.first_party = changed["first_party"] = (
                first_party
            )
        for field, value in (
            ("launch_url", launch_url),
            ("backchannel_logout_uri", backchannel_logout_uri),
            ("description", description),
            ("icon", icon),
        ):
            if value is not _UNSET:
                setattr(profile, field, value)
                changed[field] = value
        if allowed_roles is not _UNSET:
            profile.allowed_roles = changed["allowed_roles"] = _clean_roles(allowed_roles)
        _full_clean(application)
        application.save()
        profile.save()
        if allowed_units is not _UNSET:
            units = list(allowed_units)
            profile.allowed_units.set(units)
            changed["allowed_units"] = [unit.code for unit in units]
        transaction.on_commit(directory_changed)
        audit_write(
            actor=actor,
            action="sso.app_update",
            obj=profile,
            data={"client_id": application.client_id, "changed": changed},
            request=request,
        )
    return profile


def app_profile_ensure(*, application: Any) -> AppProfile:
    """The directory entry of an application registered elsewhere (admin, DOT's pages), made if missing."""
    profile, _created = AppProfile.objects.get_or_create(
        application=application, defaults={"first_party": application.skip_authorization}
    )
    return profile


def consent_record(*, user: User, application: Any, scopes: str) -> Consent:
    """Remember that `user` let a third-party application use `scopes` (widening an earlier grant)."""
    with transaction.atomic():
        consent, created = Consent.objects.select_for_update().get_or_create(
            user=user, application=application, defaults={"scopes": scopes}
        )
        if not created:
            consent.scopes = " ".join(sorted(set(consent.scopes.split()) | set(scopes.split())))
            consent.granted_at = timezone.now()
            consent.save(update_fields=["scopes", "granted_at"])
        audit_write(
            actor=user,
            action="oauth.consent",
            obj=application,
            data={"client_id": application.client_id, "scopes": scopes},
        )
    return consent


def tokens_revoke(*, user_id: int, application_ids: Iterable[int]) -> int:
    """Revoke every access and refresh token of a person for the given applications."""
    ids = list(application_ids)
    count = 0
    with transaction.atomic():
        for refresh in RefreshToken.objects.filter(
            user_id=user_id, application_id__in=ids, revoked__isnull=True
        ):
            refresh.revoke()
            count += 1
        for access in AccessToken.objects.filter(user_id=user_id, application_id__in=ids):
            access.revoke()
            count += 1
    return count


def signing_key_rotate(*, actor: User | None = None) -> str:
    """Make a new active signing key (the old one stays published); returns the new key id."""
    _require_admin(actor)
    try:
        key = keys.rotate()
    except keys.KeyFromEnvironment as exc:
        raise Conflict(_("The signing key comes from the environment; replace it there.")) from exc
    audit_write(actor=actor, action="oidc.key_rotate", data={"kid": key.kid})
    return key.kid


def signing_keys_prune(*, actor: User | None = None) -> list[str]:
    """Delete retired signing keys whose tokens have all expired; returns their key ids."""
    _require_admin(actor)
    removed = [key.kid for key in keys.prune()]
    if removed:
        audit_write(actor=actor, action="oidc.key_prune", data={"kids": removed})
    return removed
