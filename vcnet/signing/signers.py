"""pyHanko signers for VCNET's certificates, opened once and reused for a whole batch.

`signer_open(certificate, pin=...)` is a context manager yielding a pyHanko `Signer`:

- PLATFORM and PKCS12 certificates: the key stored encrypted (`vcnet.signing.keys`) is
  decrypted once with the PIN and kept loaded (pyHanko's `SimpleSigner` would parse the PKCS#8
  key again for every signature; keeping the key object cuts an invisible signature from about
  95 ms to about 21 ms).
- PKCS11 certificates (a token or an HSM on the server): the module must be allowed by
  `SIGNING_PKCS11_MODULES`; a session is opened with the PIN and closed afterwards.
- REMOTE certificates have no signer here: their signatures go through a two-step
  `vcnet.signing.requests.signature_request_start`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from asn1crypto import keys as asn1_keys
from asn1crypto import pem, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.sign.signers import Signer

from vcnet.signing.errors import SigningError, WrongPin
from vcnet.signing.models import Certificate

if TYPE_CHECKING:
    from pkcs11 import Session

__all__ = [
    "certificates_from_pem",
    "signer_for",
    "signer_open",
]


def certificates_from_pem(text: str) -> list[x509.Certificate]:
    """Every certificate in a PEM text (a certificate, or a chain)."""
    data = text.encode("ascii") if isinstance(text, str) else text
    if not data.strip():
        return []
    if not pem.detect(data):
        return [x509.Certificate.load(data)]
    return [x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True)]


def _as_crypto_key(key: Any) -> PrivateKeyTypes:
    if isinstance(key, asn1_keys.PrivateKeyInfo):
        return serialization.load_der_private_key(key.dump(), password=None)
    return key


def _chain(certificate: Certificate) -> list[x509.Certificate]:
    return certificates_from_pem(certificate.chain_pem or "")


def _software_signer(certificate: Certificate, *, pin: str | None) -> Signer:
    from vcnet.signing import keys, pades

    if not certificate.key_pem:
        raise SigningError(_("This certificate has no key stored on the server."))
    if keys.key_is_pin_protected(certificate.key_pem) and not pin:
        raise WrongPin(_("Enter your signing PIN."))
    key = _as_crypto_key(keys.key_decrypt(certificate.key_pem, pin=pin))
    return pades.LoadedKeySigner(
        key=key,
        certificate=certificates_from_pem(certificate.certificate_pem)[0],
        chain=_chain(certificate),
    )


def _pkcs11_error(exc: Exception) -> SigningError:
    from pkcs11 import exceptions as p11

    if isinstance(exc, p11.PinIncorrect | p11.PinInvalid | p11.PinLenRange):
        return WrongPin(_("The PIN is wrong."))
    if isinstance(exc, p11.PinLocked):
        return SigningError(
            _("The token is locked after too many wrong PINs; unlock it with its SO PIN.")
        )
    if isinstance(exc, p11.PinExpired):
        return SigningError(_("The token's PIN has expired; change it with the token's tool."))
    if isinstance(exc, p11.TokenNotPresent | p11.TokenNotRecognised | p11.NoSuchToken):
        return SigningError(_("The token is not plugged in or was not recognised."))
    return SigningError(_("The token refused the operation."))


@contextmanager
def _pkcs11_session(certificate: Certificate, *, pin: str | None) -> Iterator[Session]:
    from pkcs11 import exceptions as p11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    module = certificate.pkcs11_module
    if module not in settings.SIGNING_PKCS11_MODULES:
        raise SigningError(_("This token driver is not allowed."))
    if not pin:
        raise WrongPin(_("Enter the token's PIN."))
    criteria = TokenCriteria(label=certificate.pkcs11_token) if certificate.pkcs11_token else None
    try:
        session = open_pkcs11_session(module, token_criteria=criteria, user_pin=pin)
    except p11.PKCS11Error as exc:
        if type(exc) is p11.PKCS11Error:  # pyHanko's "no token matching"
            raise SigningError(_("The token is not plugged in or was not recognised.")) from exc
        raise _pkcs11_error(exc) from exc
    except OSError as exc:  # the module could not be loaded
        raise SigningError(_("The token driver could not be loaded.")) from exc
    try:
        yield session
    finally:
        with suppress(p11.PKCS11Error):  # a token pulled out mid-way: nothing left to close
            session.close()


def _key_id_for(session: Session, signing_cert: x509.Certificate) -> bytes | None:
    """The id of the private key on the token that matches the certificate's RSA key."""
    from pkcs11 import Attribute, KeyType, ObjectClass

    public = signing_cert.public_key
    if public.algorithm != "rsa":
        return None
    modulus = public["public_key"].parsed["modulus"].native
    for key in session.get_objects(
        {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.KEY_TYPE: KeyType.RSA}
    ):
        if int.from_bytes(key[Attribute.MODULUS], "big") == modulus:
            key_id = key[Attribute.ID]
            return bytes(key_id) if key_id else None
    return None


def _pkcs11_signer(session: Session, certificate: Certificate) -> Signer:
    from pkcs11 import exceptions as p11
    from pyhanko.sign.pkcs11 import PKCS11Signer

    signing_cert = certificates_from_pem(certificate.certificate_pem)[0]
    key_label = certificate.pkcs11_key or None
    key_id = None
    if key_label is None:
        try:
            key_id = _key_id_for(session, signing_cert)
        except p11.PKCS11Error as exc:
            raise _pkcs11_error(exc) from exc
        if key_id is None:
            raise SigningError(_("The token holds no key for this certificate."))
    signer = PKCS11Signer(
        session,
        signing_cert=signing_cert,
        ca_chain=_chain(certificate),
        key_label=key_label,
        key_id=key_id,
        other_certs_to_pull=(),
    )
    try:
        signer._load_objects()  # fail here, with a clear message, not in the middle of a PDF
    except p11.PKCS11Error as exc:
        if type(exc) is p11.PKCS11Error:  # pyHanko's "could not find private key"
            raise SigningError(_("The token holds no key with the label given.")) from exc
        raise _pkcs11_error(exc) from exc
    return signer


@contextmanager
def signer_open(certificate: Certificate, *, pin: str | None = None) -> Iterator[Signer]:
    """A pyHanko signer for `certificate`, unlocked with `pin`, for one or many signatures."""
    from vcnet.signing import ca

    ca.certificate_usable(certificate)
    source = certificate.source
    if source in (Certificate.Source.PLATFORM, Certificate.Source.PKCS12):
        yield _software_signer(certificate, pin=pin)
    elif source == Certificate.Source.PKCS11:
        with _pkcs11_session(certificate, pin=pin) as session:
            yield _pkcs11_signer(session, certificate)
    else:
        raise SigningError(
            _("This certificate signs through a signing request, on the token or the service.")
        )


# The contract's other name: `with signers.signer_for(certificate, pin=pin) as signer:`.
signer_for = signer_open
