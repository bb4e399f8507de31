"""OAuth application registration, as Mastodon does it: `POST /api/v1/apps`.

The application is a confidential django-oauth-toolkit client for the authorization-code
flow (`/oauth/authorize`, `/oauth/token`); the plain client secret is shown only in this
answer (DOT stores its hash). Mastodon's out-of-band redirect, `urn:ietf:wg:oauth:2.0:oob`,
is accepted: the authorization page then shows the code instead of redirecting.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model
from pydantic import BaseModel, Field

from vcnet.core.audit import audit_write
from vcnet.social.api.common import OPTIONAL_AUTH, viewer
from vcnet.social.api.params import Unprocessable, all_params, validate
from vcnet.social.api.router import router

Application = get_application_model()
OOB = "urn:ietf:wg:oauth:2.0:oob"
KNOWN_SCOPES = {"read", "write", "follow", "push", "profile"}


class AppIn(BaseModel):
    client_name: str = Field(min_length=1, max_length=255)
    redirect_uris: str | list[str] = OOB
    scopes: str = "read"
    website: str | None = None


def _redirect_uris(value: str | list[str]) -> list[str]:
    uris = value.split() if isinstance(value, str) else [u for v in value for u in v.split()]
    if not uris:
        raise Unprocessable(_("Validation failed: redirect_uris: give at least one address."))
    for uri in uris:
        if uri == OOB:
            continue
        parts = urlsplit(uri)
        if (
            not parts.scheme
            or parts.scheme.lower() in {"javascript", "data", "file"}
            or (parts.scheme in {"http", "https"} and not parts.netloc)
        ):
            raise Unprocessable(_("Validation failed: redirect_uris: an address is not valid."))
    return uris


def _application(
    request: HttpRequest, app: Any, *, scopes: str, website: str | None
) -> dict[str, Any]:
    uris = app.redirect_uris.split()
    return {
        "id": str(app.pk),
        "name": app.name,
        "website": website,
        "scopes": scopes.split(),
        "redirect_uri": "\n".join(uris),
        "redirect_uris": uris,
        "vapid_key": None,
    }


@router.post("/apps", auth=OPTIONAL_AUTH, summary="Register an application (Mastodon)")
def app_create(request: HttpRequest) -> dict[str, Any]:
    """Register a confidential OAuth client for the authorization-code flow."""
    data, _files = all_params(request)
    form = validate(AppIn, data)
    scopes = " ".join(s for s in form.scopes.split() if s.split(":")[0] in KNOWN_SCOPES) or "read"
    secret = generate_client_secret()
    app = Application(
        name=form.client_name.strip()[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(_redirect_uris(form.redirect_uris)),
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
    )
    app.save()
    user = viewer(request)
    audit_write(
        actor=user,
        action="oauth.app_register",
        obj=app,
        data={"client_id": app.client_id, "name": app.name, "scopes": scopes},
        request=request,
    )
    body = _application(request, app, scopes=scopes, website=form.website)
    body.update(client_id=app.client_id, client_secret=secret, client_secret_expires_at=0)
    return body


@router.get("/apps/verify_credentials", summary="The application of the token (Mastodon)")
def app_verify(request: HttpRequest) -> dict[str, Any]:
    """The application the caller's token was issued to."""
    token = getattr(request, "oauth2_access_token", None)
    app = getattr(token, "application", None)
    if app is None:
        return {"name": "VCNET", "website": None, "scopes": ["read", "write"], "redirect_uris": []}
    scopes = str(getattr(token, "scope", "read"))
    return _application(request, app, scopes=scopes, website=None)
