"""Single sign-on: VCNET as the OpenID Connect provider, the application directory and launcher.

Stable interfaces (other code and the example relying party rely on them):

* Discovery: ``settings.SITE_URL + "/.well-known/openid-configuration"``; the issuer is
  ``SITE_URL`` without a trailing slash; endpoints live under ``SITE_URL/oauth/``
  (``authorize/``, ``token/``, ``userinfo/``, ``logout/``, ``.well-known/jwks.json``).
  ID tokens are RS256 and carry ``sid``; back-channel logout is advertised
  (``backchannel_logout_supported``, ``backchannel_logout_session_supported``).
* Scopes: ``openid``, ``profile`` (name), ``email`` (email, email_verified), ``phone``
  (phone_number), ``units`` (units: [{id, code, short_name, name}], roles: ["<unit code>:<role>"]),
  plus DOT's ``read``/``write`` for ``/api/v1/``.
* Registration: ``vcnet.sso.services.app_register(*, actor, name, client_id, client_secret,
  redirect_uris: list[str], launch_url, backchannel_logout_uri="", first_party=True,
  client_type="confidential", allowed_units=(), allowed_roles=(), description="", icon="",
  post_logout_redirect_uris=(), request=None) -> AppProfile``; ``actor=None`` is the system
  (seeding), otherwise an administrator. The secret passed in is hashed on save and works for
  ``client_secret_basic`` / ``client_secret_post``. Public clients must use PKCE (S256).
* Launcher: ``/sso/apps/`` lists the applications a person may open; ``/sso/open/<id>/``
  opens one (``id`` is the ``AppProfile`` id).
* Back-channel logout: when a person signs out of VCNET (``user_logged_out``), each
  application they signed into during that session gets a POST of ``logout_token=<JWT>``
  (``typ: logout+jwt``; iss, aud=client_id, iat, exp, jti, sub, sid, events) at its
  ``backchannel_logout_uri``; their tokens for those applications are revoked.
* Keys: ``vcnet oidc rotate-key`` / ``vcnet oidc prune-keys`` (see ``vcnet.sso.keys``).
"""
