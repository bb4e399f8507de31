"""Every change to people, units and memberships: permission check, transaction, audit entry."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from vcnet.accounts.identifiers import looks_like_email, normalize_email, normalize_phone
from vcnet.accounts.images import avatar_process
from vcnet.accounts.models import Membership, Role, Unit, UnitLevel, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, PermissionDeniedError


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDeniedError(_("Only administrators may change the organisation."))


def unit_create(
    *,
    actor: User | None,
    code: str,
    short_name: str,
    name: str,
    level: UnitLevel,
    parent: Unit | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Unit:
    """Add a unit under `parent` (or at the top); `actor=None` means the system (seeding)."""
    _require_admin(actor)
    if Unit.objects.filter(code=code).exists():
        raise Conflict(_("A unit with this code already exists."))
    with transaction.atomic():
        unit = Unit.objects.create(
            code=code,
            short_name=short_name,
            name=name,
            level=level,
            parent=parent,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
        audit_write(
            actor=actor, action="unit.create", obj=unit, data={"code": code}, request=request
        )
    return unit


def membership_add(
    *,
    actor: User | None,
    user: User,
    unit: Unit,
    role: Role | str,
    title: str = "",
    request: HttpRequest | None = None,
) -> Membership:
    """Give `user` a role in `unit`."""
    _require_admin(actor)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, unit=unit, role=role, defaults={"title": title}
        )
        if not created:
            raise Conflict(_("This person already holds this role in this unit."))
        audit_write(
            actor=actor,
            action="membership.add",
            obj=membership,
            data={"user": user.pk, "unit": unit.pk, "role": str(role)},
            request=request,
        )
    return membership


# --- Sign-in events, passwords and the profile ------------------------------------------------

AUTH_EVENTS = frozenset(
    {
        "auth.login",
        "auth.login_failed",
        "auth.login_throttled",
        "auth.logout",
        "auth.password_reset_requested",
        "auth.password_change",
        "auth.password_reset",
        "auth.signup",
        "auth.email_added",
        "auth.email_confirmed",
        "auth.email_change",
        "auth.mfa_activated",
        "auth.mfa_deactivated",
        "auth.mfa_reset",
        "auth.mfa_failed",
        "auth.recovery_code_used",
        "auth.sessions_ended",
        "auth.new_device",
    }
)


def auth_event_record(
    *,
    action: str,
    user: User | None,
    login: str = "",
    data: dict[str, str] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Write a sign-in or account-security event to the audit log.

    Never the password; the login only in its normalised e-mail or phone form, so that a
    password typed into the wrong box does not end up in the log.
    """
    if action not in AUTH_EVENTS:
        raise ValueError(f"unknown sign-in event {action!r}")
    data = dict(data or {})
    if login:
        if looks_like_email(login):
            data["login"] = normalize_email(login)[:254]
        else:
            data["login"] = normalize_phone(login) or "(?)"
    with transaction.atomic():
        audit_write(actor=user, action=action, obj=user, data=data, request=request)


def user_password_set(
    *, actor: User | None, user: User, password: str, request: HttpRequest | None = None
) -> User:
    """Give `user` a new password (already validated), by themselves or by a reset link."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDeniedError(_("You may only change your own password."))
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_write(
            actor=actor,
            action="auth.password_change" if actor is not None else "auth.password_reset",
            obj=user,
            request=request,
        )
    return user


def user_update_profile(
    *,
    actor: User,
    user: User,
    full_name: str,
    phone: str,
    avatar: UploadedFile | None,
    request: HttpRequest | None = None,
) -> User:
    """Change a person's name, phone number and avatar; field errors come as ValidationError.

    The avatar is checked and re-encoded before anything is written, so a bad upload changes
    nothing and the old avatar stays.
    """
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDeniedError(_("You may only change your own profile."))
    errors: dict[str, list[ValidationError]] = {}
    full_name = " ".join(full_name.split())
    if not full_name:
        errors.setdefault("full_name", []).append(
            ValidationError(_("Please enter your full name."), code="required")
        )
    elif len(full_name) > 150:
        errors.setdefault("full_name", []).append(
            ValidationError(_("The full name is too long (at most 150 characters)."), code="long")
        )
    new_phone: str | None = None
    if phone.strip():
        new_phone = normalize_phone(phone)
        if new_phone is None:
            errors.setdefault("phone", []).append(
                ValidationError(
                    _("This is not a phone number. Write it like 0912 345 678."),
                    code="invalid",
                )
            )
        elif User.objects.filter(phone=new_phone).exclude(pk=user.pk).exists():
            errors.setdefault("phone", []).append(
                ValidationError(
                    _("This phone number is already used by another account."), code="taken"
                )
            )
    elif not user.email:
        errors.setdefault("phone", []).append(
            ValidationError(
                _("Your account has no e-mail address, so it needs a phone number to sign in."),
                code="required",
            )
        )
    new_avatar = None
    if avatar is not None:
        try:
            new_avatar = avatar_process(avatar)
        except ValidationError as exc:
            errors.setdefault("avatar", []).append(exc)
    if errors:
        raise ValidationError(errors)

    changed = [
        name
        for name, old, new in (
            ("full_name", user.full_name, full_name),
            ("phone", user.phone, new_phone),
        )
        if old != new
    ]
    old_avatar_name = user.avatar.name if user.avatar else ""
    with transaction.atomic():
        user.full_name = full_name
        user.phone = new_phone
        if new_avatar is not None:
            user.avatar.save(new_avatar.name or "avatar.jpg", new_avatar, save=False)
            changed.append("avatar")
        try:
            with transaction.atomic():
                user.save(update_fields=["full_name", "phone", "avatar"])
        except IntegrityError:
            # Someone else took the number between the check and the write.
            if new_avatar is not None:
                user.avatar.delete(save=False)
            user.refresh_from_db()
            raise ValidationError(
                {"phone": _("This phone number is already used by another account.")}
            ) from None
        audit_write(
            actor=actor,
            action="user.update_profile",
            obj=user,
            data={"changed": changed},
            request=request,
        )
    if new_avatar is not None and old_avatar_name:
        storage = user.avatar.storage
        transaction.on_commit(partial(storage.delete, old_avatar_name))
    return user
