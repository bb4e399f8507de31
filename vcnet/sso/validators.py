"""VCNET's rules on top of django-oauth-toolkit's OAuth2Validator (OAUTH2_VALIDATOR_CLASS)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from jwcrypto import jws
from jwcrypto.common import JWException
from oauth2_provider.models import get_application_model, get_grant_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from vcnet.core.audit import audit_write
from vcnet.sso import keys
from vcnet.sso.claims import CLAIM_SCOPES, user_claims
from vcnet.sso.models import GrantSession, RpSession

Application = get_application_model()
Grant = get_grant_model()


def issuer() -> str:
    """The issuer identifier: the site's public address without a trailing slash."""
    return str(settings.SITE_URL).rstrip("/")


class VcnetOAuth2Validator(OAuth2Validator):
    """Claims by scope, `sid` in ID tokens, key choice by `kid`, disabled people refused, audit."""

    oidc_claim_scope = CLAIM_SCOPES

    # --- who may get tokens -------------------------------------------------------------
    def is_pkce_required(self, client_id: str, request: Any) -> bool:
        client = getattr(request, "client", None)
        if client is None or client.client_id != client_id:
            client = Application.objects.filter(client_id=client_id).first()
        return client is None or client.client_type == Application.CLIENT_PUBLIC

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        if not request.user.is_active:
            return False
        request.sid = (
            GrantSession.objects.filter(grant__code=code, grant__application=client)
            .values_list("sid", flat=True)
            .first()
        )
        return True

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        return bool(request.user and request.user.is_active)

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if request.user is not None and not request.user.is_active:
            request.oauth2_error = {
                "error": "invalid_token",
                "error_description": "The user is disabled.",
            }
            return False
        return True

    # --- authorization codes and tokens ---------------------------------------------------
    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        with transaction.atomic():
            grant = self._create_authorization_code(request, code)
            if sid := getattr(request, "sid", None):
                GrantSession.objects.create(grant=grant, sid=sid)

    def save_bearer_token(
        self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        super().save_bearer_token(token, request, *args, **kwargs)
        if request.user is not None:
            audit_write(
                actor=request.user,
                action="oauth.token_grant",
                obj=request.client,
                data={
                    "client_id": request.client.client_id,
                    "grant_type": request.grant_type,
                    "scope": token.get("scope", ""),
                },
            )

    # --- ID tokens and userinfo ---------------------------------------------------------
    def get_oidc_issuer_endpoint(self, request: Any) -> str:
        return issuer()

    def get_discovery_claims(self, request: Any) -> list[str]:
        return [*CLAIM_SCOPES, "sid", "auth_time"]

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        return user_claims(request.user, request.scopes)

    def _sid(self, request: Any) -> str | None:
        sid = getattr(request, "sid", None)
        if sid:
            return str(sid)
        # A refresh: the session the person last signed into this application in.
        return (
            RpSession.objects.filter(user=request.user, application=request.client)
            .order_by("-created_at")
            .values_list("sid", flat=True)
            .first()
        )

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: Any
    ) -> tuple[dict[str, Any], Any]:
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        if sid := self._sid(request):
            claims["sid"] = sid
            request.sid = sid
        return claims, expiration_time

    def finalize_id_token(self, id_token: Any, token: Any, token_handler: Any, request: Any) -> str:
        jwt = super().finalize_id_token(id_token, token, token_handler, request)
        if sid := getattr(request, "sid", None):
            RpSession.objects.get_or_create(user=request.user, application=request.client, sid=sid)
        return jwt

    def _get_key_for_token(self, token: str) -> Any:
        """The published key named by the token's `kid` (so tokens signed before a rotation verify)."""
        try:
            unverified = jws.JWS()
            unverified.deserialize(token)
            header = unverified.jose_header
        except (JWException, ValueError):
            return None
        if isinstance(header, list):
            header = header[0]
        if header.get("alg") != "RS256":
            return super()._get_key_for_token(token)
        payload = json.loads(unverified.objects["payload"].decode("utf-8"))
        if "aud" not in payload or not self._get_client_by_audience(payload["aud"]):
            return None
        return keys.key_for_kid(header.get("kid"))
