"""A remote signing service speaking the Cloud Signature Consortium API v2 (provider "csc").

The key stays at the service (a qualified remote-signing provider, an HSM in a data centre).
The certificate is registered in VCNET with `source="remote"`, `provider="csc"` and the
service's credential id in `provider_ref`. VCNET calls, with the bearer token
`SIGNING_CSC_TOKEN` at `SIGNING_CSC_URL`:

- `begin`: `credentials/info` (the credential exists, its key is enabled and its certificate is
  the one registered), so that a wrong setup fails when the signing starts;
- `collect`: `credentials/authorize` for the hash of the data to sign (the service obtains the
  holder's consent in its own way: its mobile app, an OTP) → SAD, then `signatures/signHash`
  with that SAD → the signature value (RSA PKCS#1 v1.5 with SHA-256, or ECDSA).

`collect` runs when the request's page polls (`requests.signature_request_refresh`) or from a
task; the value is checked against the certificate before it is embedded.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

import requests as http
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vcnet.signing.errors import SigningError

if TYPE_CHECKING:
    from vcnet.signing.models import SignatureRequest

TIMEOUT = 30
HASH_OIDS = {
    "sha256": "2.16.840.1.101.3.4.2.1",
    "sha384": "2.16.840.1.101.3.4.2.2",
    "sha512": "2.16.840.1.101.3.4.2.3",
}
SIGN_ALGO_OIDS = {
    "rsa": "1.2.840.113549.1.1.1",  # rsaEncryption: PKCS#1 v1.5 over the DigestInfo
    "ec": "1.2.840.10045.2.1",  # id-ecPublicKey: ECDSA
}


class CSCError(SigningError):
    """The remote signing service refused or could not be reached."""

    code = "remote_signing_failed"


class CSCProvider:
    """A Cloud Signature Consortium API v2 client."""

    key = "csc"
    label = _("Remote signing service (Cloud Signature Consortium)")
    pulls = False

    def _call(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        base = settings.SIGNING_CSC_URL
        if not base:
            raise CSCError(_("The remote signing service is not configured (SIGNING_CSC_URL)."))
        try:
            response = http.post(
                f"{base.rstrip('/')}/{method}",
                json=body,
                headers={"Authorization": f"Bearer {settings.SIGNING_CSC_TOKEN}"},
                timeout=TIMEOUT,
            )
        except http.RequestException as exc:
            raise CSCError(_("The remote signing service cannot be reached.")) from exc
        try:
            answer: dict[str, Any] = response.json()
        except ValueError:
            answer = {}
        if response.status_code >= 400:
            description = str(answer.get("error_description") or answer.get("error") or "")
            raise CSCError(
                _("The remote signing service refused: %(reason)s")
                % {"reason": description or response.reason}
            )
        return answer

    def begin(self, request: SignatureRequest) -> None:
        """Check that the credential can sign and holds the registered certificate."""
        certificate = request.certificate
        info = self._call(
            "credentials/info",
            {"credentialID": certificate.provider_ref, "certificates": "single", "certInfo": True},
        )
        if info.get("key", {}).get("status") != "enabled":
            raise CSCError(_("The key at the remote signing service is disabled."))
        certs = info.get("cert", {}).get("certificates") or []
        if certs:
            remote = x509.load_der_x509_certificate(base64.b64decode(certs[0]))
            registered = x509.load_pem_x509_certificate(certificate.certificate_pem.encode())
            if remote.fingerprint(hashes.SHA256()) != registered.fingerprint(hashes.SHA256()):
                raise CSCError(
                    _("The remote signing service holds another certificate for this credential.")
                )

    def collect(self, request: SignatureRequest) -> bytes | None:
        """Authorise the hash and have it signed; the signature value."""
        from vcnet.signing.requests import data_to_sign

        certificate = request.certificate
        algorithm = request.digest_algorithm.lower()
        if algorithm not in HASH_OIDS:
            raise CSCError(_("This digest algorithm is not supported."))
        digest = base64.b64encode(hashlib.new(algorithm, data_to_sign(request)).digest()).decode()
        credential = certificate.provider_ref
        authorized = self._call(
            "credentials/authorize",
            {
                "credentialID": credential,
                "numSignatures": 1,
                "hashes": [digest],
                "hashAlgorithmOID": HASH_OIDS[algorithm],
                "description": f"VCNET {request.purpose} {request.subject_id}"[:500],
            },
        )
        sad = authorized.get("SAD")
        if not sad:
            return None  # the holder has not agreed yet
        signed = self._call(
            "signatures/signHash",
            {
                "credentialID": credential,
                "SAD": sad,
                "hashes": [digest],
                "hashAlgorithmOID": HASH_OIDS[algorithm],
                "signAlgo": SIGN_ALGO_OIDS[_key_kind(certificate.certificate_pem)],
            },
        )
        values = signed.get("signatures") or []
        if len(values) != 1:
            raise CSCError(_("The remote signing service returned no signature."))
        try:
            return base64.b64decode(values[0], validate=True)
        except ValueError as exc:
            raise CSCError(_("The remote signing service returned no signature.")) from exc


def _key_kind(certificate_pem: str) -> str:
    public = x509.load_pem_x509_certificate(certificate_pem.encode()).public_key()
    return "ec" if isinstance(public, ec.EllipticCurvePublicKey) else "rsa"


PROVIDER = CSCProvider()
