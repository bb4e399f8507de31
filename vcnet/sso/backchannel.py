"""OpenID Connect Back-Channel Logout 1.0: tell each application a person signed into that they left.

`sid` is a random id stored in the person's VCNET session on their first sign-in to an
application (never the session key itself, which would let an application hijack the session).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from jwcrypto import jwt

from vcnet.core.audit import audit_write
from vcnet.sso import keys
from vcnet.sso.models import AppProfile, RpSession
from vcnet.sso.services import tokens_revoke
from vcnet.sso.validators import issuer

logger = logging.getLogger(__name__)

SESSION_KEY = "sso_sid"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_LIFETIME = 120


def session_sid(request: HttpRequest) -> str:
    """The stable id of this VCNET session, made on first use."""
    sid = request.session.get(SESSION_KEY)
    if not sid:
        sid = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = sid
    return str(sid)


def logout_token(*, client_id: str, user_id: int, sid: str) -> str:
    """A logout token (JWT, `typ: logout+jwt`) signed with the active key."""
    key = keys.active_key()
    now = int(time.time())
    claims = {
        "iss": issuer(),
        "aud": client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_LIFETIME,
        "jti": str(uuid.uuid4()),
        "sub": str(user_id),
        "sid": sid,
        "events": {BACKCHANNEL_EVENT: {}},
    }
    header = {"alg": "RS256", "kid": key.kid, "typ": "logout+jwt"}
    token = jwt.JWT(header=json.dumps(header), claims=json.dumps(claims))
    token.make_signed_token(keys.jwk_from_pem(key.pem))
    return str(token.serialize())


def _post(uri: str, token: str) -> str:
    try:
        response = requests.post(
            uri,
            data={"logout_token": token},
            timeout=settings.OIDC_BACKCHANNEL_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        logger.warning("back-channel logout to %s failed: %s", uri, exc)
        return f"error: {type(exc).__name__}"
    if not 200 <= response.status_code < 300:
        logger.warning("back-channel logout to %s answered %s", uri, response.status_code)
    return str(response.status_code)


def backchannel_logout_run(*, user_id: int, sid: str) -> dict[str, str]:
    """Post a logout token to every application signed into in session `sid`, revoke their tokens.

    Returns {client_id: HTTP status or error} for the applications that have a back-channel URI.
    """
    sessions = list(
        RpSession.objects.filter(user_id=user_id, sid=sid).select_related("application")
    )
    if not sessions:
        return {}
    applications = {session.application_id: session.application for session in sessions}
    uris = dict(
        AppProfile.objects.filter(application_id__in=applications)
        .exclude(backchannel_logout_uri="")
        .values_list("application_id", "backchannel_logout_uri")
    )
    results: dict[str, str] = {}
    for app_id, uri in uris.items():
        client_id = applications[app_id].client_id
        token = logout_token(client_id=client_id, user_id=user_id, sid=sid)
        results[client_id] = _post(uri, token)
    with transaction.atomic():
        revoked = tokens_revoke(user_id=user_id, application_ids=applications)
        RpSession.objects.filter(user_id=user_id, sid=sid).delete()
        audit_write(
            actor=None,
            action="oauth.backchannel_logout",
            data={"user_id": user_id, "results": results, "tokens_revoked": revoked},
        )
    return results


def on_user_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Plumbing: queue the back-channel logout for the session being closed (ids only)."""
    if request is None or user is None or not hasattr(request, "session"):
        return
    sid = request.session.get(SESSION_KEY)
    if not sid:
        return
    from vcnet.sso.tasks import backchannel_logout

    user_id = user.pk
    transaction.on_commit(lambda: backchannel_logout.enqueue(user_id=user_id, sid=str(sid)))


def on_sessions_ended(
    sender: Any, user_id: int, session_data: list[dict[str, Any]], **kwargs: Any
) -> None:
    """Plumbing: sessions ended elsewhere ("sign out everywhere else") log out their applications too."""
    from vcnet.sso.tasks import backchannel_logout

    sids = [str(data[SESSION_KEY]) for data in session_data if data.get(SESSION_KEY)]

    def enqueue() -> None:
        for sid in sids:
            backchannel_logout.enqueue(user_id=user_id, sid=sid)

    if sids:
        transaction.on_commit(enqueue)
