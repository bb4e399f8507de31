"""The claims VCNET tells applications about a person, by scope."""

from __future__ import annotations

from typing import Any

from vcnet.accounts.models import Membership, User

CLAIM_SCOPES = {
    "sub": "openid",
    "name": "profile",
    "email": "email",
    "email_verified": "email",
    "phone_number": "phone",
    "units": "units",
    "roles": "units",
}


def email_verified(user: User) -> bool:
    """Whether the person proved they own their e-mail address (allauth's record)."""
    if not user.email:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def user_claims(user: User, scopes: set[str] | list[str]) -> dict[str, Any]:
    """The claims about `user` that `scopes` allow (queries only for the scopes asked)."""
    granted = set(scopes)
    claims: dict[str, Any] = {"sub": str(user.pk)}
    if "profile" in granted:
        claims["name"] = user.full_name
    if "email" in granted:
        claims["email"] = user.email or None
        claims["email_verified"] = email_verified(user)
    if "phone" in granted:
        claims["phone_number"] = user.phone or None
    if "units" in granted:
        memberships = (
            Membership.objects.filter(user=user)
            .select_related("unit")
            .order_by("unit__path", "role")
        )
        units: dict[int, dict[str, Any]] = {}
        roles: list[str] = []
        for membership in memberships:
            unit = membership.unit
            units.setdefault(
                unit.pk,
                {
                    "id": unit.pk,
                    "code": unit.code,
                    "short_name": unit.short_name,
                    "name": unit.name,
                },
            )
            roles.append(f"{unit.code}:{membership.role}")
        claims["units"] = list(units.values())
        claims["roles"] = roles
    return claims
