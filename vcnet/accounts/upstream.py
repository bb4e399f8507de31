"""Upstream identity providers: "Sign in with …" any OpenID Connect provider named in the environment.

Each provider is one allauth `openid_connect` app, read from the environment by
`upstream_providers()` (imported by `vcnet/settings.py`, so this module must not import models
at its top):

    VCNET_UPSTREAM_OIDC=vneid,other          # provider ids: lower-case letters, digits, - and _
    VCNET_UPSTREAM_OIDC_VNEID_NAME=VNeID     # the button's label (default: the id)
    VCNET_UPSTREAM_OIDC_VNEID_SERVER_URL=https://id.example.gov.vn   # its issuer (discovery below it)
    VCNET_UPSTREAM_OIDC_VNEID_CLIENT_ID=vcnet
    VCNET_UPSTREAM_OIDC_VNEID_CLIENT_SECRET=…   # or …_CLIENT_SECRET_FILE=/run/secrets/vneid
    VCNET_UPSTREAM_OIDC_VNEID_SCOPE=openid profile email    # optional
    VCNET_UPSTREAM_OIDC_VNEID_PKCE=true                     # optional, default true

Linking: a person coming from a provider is signed in to the existing VCNET account with the
same e-mail only when the provider says the address is verified (`email_verified: true`); no
provider is trusted beyond that claim. The callback address to register at the provider is
`SITE_URL/accounts/oidc/<id>/login/callback/`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from vcnet.core.env import Env, EnvError

VARIABLE = "VCNET_UPSTREAM_OIDC"
PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_SCOPE = ("openid", "profile", "email")


def _prefix(provider_id: str) -> str:
    return f"{VARIABLE}_{provider_id.upper().replace('-', '_')}_"


def upstream_providers(env: Env | None = None) -> list[dict[str, Any]]:
    """The allauth `openid_connect` APPS for the providers named in VCNET_UPSTREAM_OIDC."""
    env = env or Env()
    apps = []
    seen: set[str] = set()
    for provider_id in env.strings(VARIABLE):
        if not PROVIDER_ID.match(provider_id):
            raise EnvError(
                f"{VARIABLE}: {provider_id!r} is not a provider id (use lower-case letters, "
                "digits, - and _, starting with a letter or digit)."
            )
        if provider_id in seen:
            raise EnvError(f"{VARIABLE} names {provider_id!r} twice.")
        seen.add(provider_id)
        prefix = _prefix(provider_id)
        server_url = env.string(f"{prefix}SERVER_URL")
        if not server_url:
            raise EnvError(f"{prefix}SERVER_URL must be set (the provider's issuer address).")
        parts = urlsplit(server_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise EnvError(
                f"{prefix}SERVER_URL must be an http:// or https:// address (got {server_url!r})."
            )
        client_id = env.string(f"{prefix}CLIENT_ID")
        if not client_id:
            raise EnvError(f"{prefix}CLIENT_ID must be set (VCNET's client id at the provider).")
        scope = env.string(f"{prefix}SCOPE").split() or list(DEFAULT_SCOPE)
        if "openid" not in scope:
            raise EnvError(f"{prefix}SCOPE must include openid (got {' '.join(scope)!r}).")
        apps.append(
            {
                "provider_id": provider_id,
                "name": env.string(f"{prefix}NAME", provider_id),
                "client_id": client_id,
                "secret": env.secret(f"{prefix}CLIENT_SECRET"),
                "settings": {
                    "server_url": server_url.rstrip("/"),
                    "scope": scope,
                    "oauth_pkce_enabled": env.boolean(f"{prefix}PKCE", default=True),
                    # Link by e-mail, trusting only the provider's email_verified claim.
                    "email_authentication": True,
                },
            }
        )
    return apps


def _adapter_class() -> type:
    from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

    from vcnet.accounts.adapter import email_address_ensure

    class UpstreamAdapter(DefaultSocialAccountAdapter):
        """Sign-in through an upstream provider, fitted to VCNET's accounts."""

        def authenticate_by_email(self, sociallogin: Any) -> Any:
            found = super().authenticate_by_email(sociallogin)
            if found:
                # An account made by an administrator or the seed has no e-mail record yet;
                # its address counts as verified (see email_address_ensure), so allauth keeps
                # its password instead of wiping it as it does for unverified addresses.
                email_address_ensure(found[0])
            return found

        def populate_user(self, request: Any, sociallogin: Any, data: dict[str, Any]) -> Any:
            user = super().populate_user(request, sociallogin, data)
            name = data.get("name") or " ".join(
                part for part in (data.get("first_name"), data.get("last_name")) if part
            )
            if name and not getattr(user, "full_name", ""):
                user.full_name = " ".join(str(name).split())
            return user

    return UpstreamAdapter


def __getattr__(name: str) -> Any:
    # SOCIALACCOUNT_ADAPTER names `UpstreamAdapter`; it is built on first use, because its base
    # class imports models and this module is imported by the settings.
    if name == "UpstreamAdapter":
        cls = _adapter_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
