"""The VCNET signing agent: signs on the official's USB token, on the official's computer.

`vcnet signing agent --url https://vcnet.example --request 12 --secret ... \\
    --module /usr/lib/softhsm/libsofthsm2.so --token "Token label" --key "Key label"`

fetches the data to sign of a pending signature request from the API
(`/api/v1/signatures/requests/{id}?secret=...`), asks the token's PIN (getpass; `--pin-env VAR`
reads it from the environment, for scripts and tests), signs on the token with PKCS#11
(RSA PKCS#1 v1.5 with SHA-256 over the data, `Mechanism.SHA256_RSA_PKCS`; ECDSA for EC keys)
and posts the signature value. The key never leaves the token; the server never sees the PIN.
Without `--request`, the agent signs every pending request of the official whose certificate
is the token key's (`--watch` keeps polling every few seconds).

The API calls authenticate as the official with an OAuth access token read from the
environment variable named by `--token-env` (VCNET_TOKEN by default).
"""

from __future__ import annotations

import argparse
import base64
import getpass
import os
import time
from dataclasses import dataclass
from typing import Any, TextIO

import requests as http
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.utils.translation import gettext as _

from vcnet.signing.errors import SigningError, WrongPin

TIMEOUT = 30
POLL_SECONDS = 3.0


class AgentError(SigningError):
    """The agent could not sign (the server refused, the token failed)."""

    code = "agent_failed"


@dataclass(frozen=True)
class TokenKey:
    """Where the key is: the PKCS#11 module, the token's label, the key's label (optional)."""

    module: str
    token: str
    key: str = ""


def _mechanism(key_type: Any, digest_algorithm: str) -> Any:
    from pkcs11 import KeyType, Mechanism

    digest = digest_algorithm.lower()
    if key_type == KeyType.RSA:
        table = {
            "sha256": Mechanism.SHA256_RSA_PKCS,
            "sha384": Mechanism.SHA384_RSA_PKCS,
            "sha512": Mechanism.SHA512_RSA_PKCS,
        }
    elif key_type == KeyType.EC:
        table = {
            "sha256": Mechanism.ECDSA_SHA256,
            "sha384": Mechanism.ECDSA_SHA384,
            "sha512": Mechanism.ECDSA_SHA512,
        }
    else:
        raise AgentError(_("The token's key is of a kind VCNET cannot use."))
    if digest not in table:
        raise AgentError(_("This digest algorithm is not supported."))
    return table[digest]


def _public_match(private: Any, certificate_pem: str) -> bool:
    from pkcs11 import Attribute, KeyType

    public = crypto_x509.load_pem_x509_certificate(certificate_pem.encode("ascii")).public_key()
    if private.key_type == KeyType.RSA and isinstance(public, rsa.RSAPublicKey):
        return int.from_bytes(private[Attribute.MODULUS], "big") == public.public_numbers().n
    # An EC key is matched by its label; a wrong key is refused by the server's check.
    return private.key_type == KeyType.EC and isinstance(public, ec.EllipticCurvePublicKey)


def token_sign(
    *,
    token: TokenKey,
    pin: str,
    data: bytes,
    digest_algorithm: str = "sha256",
    certificate_pem: str = "",
) -> bytes:
    """Sign `data` with the key on the token (found by label, else by the certificate)."""
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11 import exceptions as p11

    try:
        lib = pkcs11.lib(token.module)
    except (OSError, RuntimeError) as exc:
        raise AgentError(_("The token driver could not be loaded.")) from exc
    try:
        device = lib.get_token(token_label=token.token)
    except (p11.NoSuchToken, p11.MultipleTokensReturned) as exc:
        raise AgentError(_("The token is not plugged in or was not recognised.")) from exc
    try:
        with device.open(user_pin=pin) as session:
            query: dict[Any, Any] = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
            if token.key:
                query[Attribute.LABEL] = token.key
            candidates = list(session.get_objects(query))
            if certificate_pem:
                candidates = [k for k in candidates if _public_match(k, certificate_pem)]
            if len(candidates) != 1:
                raise AgentError(_("The token holds no key for this certificate."))
            private: Any = candidates[0]
            value: bytes = private.sign(
                data, mechanism=_mechanism(private.key_type, digest_algorithm)
            )
            if private.key_type == pkcs11.KeyType.EC:
                from pkcs11.util.ec import encode_ecdsa_signature

                value = encode_ecdsa_signature(value)
            return value
    except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange) as exc:
        raise WrongPin(_("The PIN is wrong.")) from exc
    except p11.PinLocked as exc:
        raise AgentError(
            _("The token is locked after too many wrong PINs; unlock it with its SO PIN.")
        ) from exc
    except p11.PKCS11Error as exc:
        raise AgentError(_("The token refused the operation.")) from exc


class AgentClient:
    """The agent's side of the signature-request API."""

    def __init__(self, url: str, *, access_token: str, session: http.Session | None = None):
        self.base = url.rstrip("/") + "/api/v1/signatures"
        self.http = session or http.Session()
        self.http.headers["Authorization"] = f"Bearer {access_token}"
        self.http.headers["Accept"] = "application/json"

    def _json(self, response: http.Response) -> dict[str, Any]:
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail") or response.json().get("title")
            except ValueError:
                detail = ""
            raise AgentError(
                _("The server refused (%(status)d): %(detail)s")
                % {"status": response.status_code, "detail": detail or response.reason}
            )
        body: dict[str, Any] = response.json()
        return body

    def pending(self) -> list[dict[str, Any]]:
        """The official's pending requests (each with its secret)."""
        items: list[dict[str, Any]] = []
        params: dict[str, str] = {}
        while True:
            page = self._json(
                self.http.get(f"{self.base}/requests", params=params, timeout=TIMEOUT)
            )
            items.extend(page["items"])
            if not page.get("next"):
                return items
            params = {"cursor": page["next"]}

    def to_sign(self, request_id: int, secret: str) -> dict[str, Any]:
        """What to sign for one request."""
        return self._json(
            self.http.get(
                f"{self.base}/requests/{request_id}", params={"secret": secret}, timeout=TIMEOUT
            )
        )

    def post_signature(self, request_id: int, secret: str, value: bytes) -> dict[str, Any]:
        """Send the signature value; the request's new state comes back."""
        return self._json(
            self.http.post(
                f"{self.base}/requests/{request_id}/signature",
                json={"secret": secret, "signature_value": base64.b64encode(value).decode()},
                timeout=TIMEOUT,
            )
        )


def agent_sign(
    *, client: AgentClient, request_id: int, secret: str, token: TokenKey, pin: str
) -> dict[str, Any]:
    """Fetch one request's data, sign it on the token, post the signature; the new state."""
    item = client.to_sign(request_id, secret)
    if item["state"] != "pending":
        raise AgentError(_("This signature request is no longer waiting for a signature."))
    value = token_sign(
        token=token,
        pin=pin,
        data=base64.b64decode(item["data_to_sign"]),
        digest_algorithm=item["digest_algorithm"],
        certificate_pem=item.get("certificate_pem", ""),
    )
    return client.post_signature(request_id, secret, value)


def agent_sign_pending(
    *, client: AgentClient, token: TokenKey, pin: str, stdout: TextIO | None = None
) -> list[dict[str, Any]]:
    """Sign every pending request whose certificate is the token key's; the results."""
    results = []
    for item in client.pending():
        try:
            result = agent_sign(
                client=client, request_id=item["id"], secret=item["secret"], token=token, pin=pin
            )
        except WrongPin:
            raise  # the same PIN would fail for every request (and lock the token)
        except AgentError as exc:
            if stdout is not None:
                stdout.write(f"#{item['id']}: {exc.message}\n")
            continue
        results.append(result)
        if stdout is not None:
            stdout.write(f"#{result['id']}: {result['state_label']}\n")
    return results


# --- The command: `vcnet signing agent` ---------------------------------------------------
def arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `vcnet signing agent`."""
    parser.add_argument("--url", required=True, help="The VCNET site, e.g. https://vcnet.example")
    parser.add_argument("--request", type=int, help="The signature request's number.")
    parser.add_argument("--secret", help="The request's secret (shown on its page).")
    parser.add_argument("--module", required=True, help="The token's PKCS#11 driver (.so/.dll).")
    parser.add_argument("--token", required=True, help="The token's label.")
    parser.add_argument("--key", default="", help="The key's label on the token.")
    parser.add_argument(
        "--pin-env", default="", help="Read the PIN from this environment variable."
    )
    parser.add_argument(
        "--token-env",
        default="VCNET_TOKEN",
        help="The environment variable holding your VCNET access token.",
    )
    parser.add_argument(
        "--watch", action="store_true", help="Keep signing new requests until interrupted."
    )


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    """Run the agent as the command line asked."""
    access_token = os.environ.get(options["token_env"], "")
    if not access_token:
        raise AgentError(
            _("Set %(name)s to your VCNET access token first.") % {"name": options["token_env"]}
        )
    if options["request"] and not options["secret"]:
        raise AgentError(_("Give the request's secret with --secret."))
    if options["pin_env"]:
        pin = os.environ.get(options["pin_env"], "")
    else:
        pin = getpass.getpass(_("PIN of the token: "))
    token = TokenKey(module=options["module"], token=options["token"], key=options["key"])
    client = AgentClient(options["url"], access_token=access_token)
    if options["request"]:
        result = agent_sign(
            client=client,
            request_id=options["request"],
            secret=options["secret"],
            token=token,
            pin=pin,
        )
        stdout.write(f"#{result['id']}: {result['state_label']}\n")
        return
    while True:
        agent_sign_pending(client=client, token=token, pin=pin, stdout=stdout)
        if not options["watch"]:
            return
        time.sleep(POLL_SECONDS)
