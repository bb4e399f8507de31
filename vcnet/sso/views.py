"""The provider's pages: authorization (with VCNET's access and consent rules), discovery, JWKS, launcher."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from oauth2_provider.forms import AllowForm
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView
from oauth2_provider.views.oidc import ConnectDiscoveryInfoView

from vcnet.core.audit import audit_write
from vcnet.sso import keys
from vcnet.sso.backchannel import session_sid
from vcnet.sso.models import Consent
from vcnet.sso.selectors import app_for_user, app_may_use, apps_for_user
from vcnet.sso.services import app_profile_ensure, consent_record
from vcnet.sso.validators import issuer

Application = get_application_model()
OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob"


class SsoAuthorizationView(AuthorizationView):
    """DOT's authorization endpoint plus: who may use the app, remembered consent, the session's sid."""

    template_name = "sso/authorize.html"

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict[str, Any], allow: bool
    ) -> Any:
        application = Application.objects.get(client_id=credentials["client_id"])
        if allow:
            profile = app_profile_ensure(application=application)
            if not app_may_use(request.user, profile):
                audit_write(
                    actor=request.user,
                    action="oauth.access_denied",
                    obj=application,
                    data={"client_id": application.client_id, "reason": "not_allowed"},
                    request=request,
                )
                allow = False
        if allow:
            credentials["sid"] = session_sid(request)
            if not application.skip_authorization and not self._consented(application, scopes):
                consent_record(user=request.user, application=application, scopes=scopes)  # type: ignore[arg-type]
        return super().create_authorization_response(request, scopes, credentials, allow)

    def redirect(self, redirect_to: str, application: Any) -> HttpResponse:
        # Mastodon's out-of-band clients (urn:ietf:wg:oauth:2.0:oob) show the code to copy.
        if redirect_to.split("?")[0] == OOB_REDIRECT_URI:
            query = parse_qs(urlsplit(redirect_to).query)
            context = {"code": query.get("code", [""])[0], "error": query.get("error", [""])[0]}
            return render(self.request, "sso/authorize_oob.html", context)
        return super().redirect(redirect_to, application)

    def _consented(self, application: Any, scopes: str) -> bool:
        granted = (
            Consent.objects.filter(user=self.request.user, application=application)
            .values_list("scopes", flat=True)
            .first()
        )
        return granted is not None and set(scopes.split()) <= set(granted.split())

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        # Reached on GET only when DOT would ask for consent: refuse people who may not use
        # the application, and skip the question when they already said yes to these scopes.
        data = getattr(self, "oauth2_data", None)
        if self.request.method == "GET" and data and "error" not in context:
            application = data["application"]
            allowed = app_may_use(self.request.user, app_profile_ensure(application=application))
            if not allowed or self._consented(application, " ".join(data["scopes"])):
                form = AllowForm({**self.get_initial(), "allow": allowed or ""})
                if form.is_valid():
                    return self.form_valid(form)
        return super().render_to_response(context, **kwargs)


class DiscoveryView(ConnectDiscoveryInfoView):
    """OpenID Provider metadata at the site root: issuer = SITE_URL, endpoints under /oauth/."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        base = issuer()
        for field, name in (
            ("authorization_endpoint", "authorize"),
            ("token_endpoint", "token"),
            ("userinfo_endpoint", "user-info"),
            ("jwks_uri", "jwks-info"),
            ("end_session_endpoint", "rp-initiated-logout"),
            ("revocation_endpoint", "revoke-token"),
            ("introspection_endpoint", "introspect"),
        ):
            if field in data or field in ("revocation_endpoint",):
                data[field] = base + reverse(f"oauth2_provider:{name}")
        data["issuer"] = base
        data["id_token_signing_alg_values_supported"] = ["RS256"]
        data["code_challenge_methods_supported"] = ["S256"]
        data["grant_types_supported"] = ["authorization_code", "refresh_token"]
        data["backchannel_logout_supported"] = True
        data["backchannel_logout_session_supported"] = True
        data["frontchannel_logout_supported"] = False
        data["claims_parameter_supported"] = False
        data["ui_locales_supported"] = ["vi", "en"]
        answer = JsonResponse(data)
        answer["Access-Control-Allow-Origin"] = "*"
        return answer


@require_GET
def jwks_view(request: HttpRequest) -> JsonResponse:
    """The public keys: the active one and retired ones whose tokens may still be valid."""
    response = JsonResponse(keys.jwks())
    response["Access-Control-Allow-Origin"] = "*"
    max_age = oauth2_settings.OIDC_JWKS_MAX_AGE_SECONDS
    # Short enough that applications see a rotated key long before it signs anything they hold.
    response["Cache-Control"] = f"public, max-age={min(max_age, 300)}"
    return response


def not_offered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """DOT's self-service application pages: applications are registered by administrators."""
    raise Http404


@login_required
@require_GET
def app_list(request: HttpRequest) -> HttpResponse:
    """The applications this person may open."""
    return render(request, "sso/apps.html", {"apps": apps_for_user(request.user)})


@login_required
@require_GET
def app_open(request: HttpRequest, profile_id: int) -> HttpResponse:
    """Open an application: to its launch address, where it signs the person in through VCNET."""
    profile = app_for_user(request.user, profile_id)
    audit_write(
        actor=request.user,
        action="sso.app_open",
        obj=profile,
        data={"client_id": profile.application.client_id},
        request=request,
    )
    return HttpResponseRedirect(profile.launch_url)
