"""Signing providers: one module per way of getting a signature value computed elsewhere.

Each module (`agent`, `csc`, ...) has a `PROVIDER` of the shape of `base.Provider`. Which ones
people may use is `SIGNING_PROVIDERS`. To add one, see docs/architecture.md ("Add a signing
provider"): write `providers/<name>.py` with `PROVIDER`, add the name to `MODULES` below.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vcnet.signing.errors import SigningError
from vcnet.signing.providers.base import Provider

__all__ = ["MODULES", "Provider", "provider_for", "provider_get", "providers_enabled"]

MODULES: dict[str, str] = {
    "agent": "vcnet.signing.providers.agent",
    "csc": "vcnet.signing.providers.csc",
}


def provider_get(key: str) -> Provider:
    """The provider named `key`, if it is enabled in `SIGNING_PROVIDERS`."""
    if key not in MODULES or key not in settings.SIGNING_PROVIDERS:
        raise SigningError(_("This signing provider is not enabled."))
    provider: Provider = import_module(MODULES[key]).PROVIDER
    return provider


def providers_enabled() -> list[Provider]:
    """The providers people may choose, in the order of `SIGNING_PROVIDERS`."""
    return [provider_get(key) for key in settings.SIGNING_PROVIDERS if key in MODULES]


def provider_for(certificate: object) -> Provider:
    """The provider that signs for `certificate`: its own, or the agent for a token."""
    return provider_get(getattr(certificate, "provider", "") or "agent")
