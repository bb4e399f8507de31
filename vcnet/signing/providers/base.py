"""The interface of a signing provider: who computes the signature value of a request.

A provider is a module of `vcnet.signing.providers` with a `PROVIDER` object of this shape.
The server prepared the PDF and the data to sign (`SignatureRequest`); the provider gets the
signature value computed where the key is (the official's USB token, a remote service) and
the request is completed with `vcnet.signing.requests.signature_request_complete`.

- `begin(request)`: start the signature at the provider (push the hash to a remote service);
  nothing for a provider whose client comes to fetch the data itself (the signing agent).
- `collect(request)`: the signature value if the provider has it now, else None (polled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.utils.functional import Promise

if TYPE_CHECKING:
    from vcnet.signing.models import SignatureRequest


@runtime_checkable
class Provider(Protocol):
    """Computes signature values for two-step signature requests."""

    key: str
    label: str | Promise
    # True when a person's client (the agent) fetches the data and posts the signature.
    pulls: bool

    def begin(self, request: SignatureRequest) -> None:
        """Start signing `request` at the provider (may store `request.provider_ref`)."""

    def collect(self, request: SignatureRequest) -> bytes | None:
        """The signature value when the provider has it, else None."""
