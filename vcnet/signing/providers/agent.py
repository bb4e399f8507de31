"""The official's USB token, through the VCNET signing agent on their computer.

The server never sees the token: the agent (`vcnet signing agent`, `vcnet.signing.agent`)
fetches the data to sign from the API with the request's secret, signs it on the token with
PKCS#11 and posts the signature value back. So `begin` and `collect` have nothing to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from vcnet.signing.models import SignatureRequest


class AgentProvider:
    """The signing agent pulls the data and posts the signature itself."""

    key = "agent"
    label = _("USB token with the VCNET signing agent")
    pulls = True

    def begin(self, request: SignatureRequest) -> None:
        """Nothing to push: the agent comes to fetch the data to sign."""

    def collect(self, request: SignatureRequest) -> bytes | None:
        """The agent posts the signature; there is nothing to poll."""
        return None


PROVIDER = AgentProvider()
