"""The URL map: each app brings its own `urls.py`; the JSON API lives under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve
from oauth2_provider import views as oauth2_views

from vcnet.api import api
from vcnet.social.api.v2 import api_v2
from vcnet.sso.views import SsoAuthorizationView

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("vcnet.core.urls")),
    path("accounts/", include("vcnet.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("sso/", include("vcnet.sso.urls")),
    path("documents/", include("vcnet.documents.urls")),
    path("notifications/", include("vcnet.notifications.urls")),
    path("signing/", include("vcnet.signing.urls")),
    path("digitize/", include("vcnet.digitize.urls")),
    path("social/", include("vcnet.social.urls")),
    path("moderation/", include("vcnet.moderation.urls")),
    path("assistant/", include("vcnet.assistant.urls")),
    path("opinion/", include("vcnet.opinion.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/v2/", api_v2.urls),  # Mastodon's v2 endpoints (vcnet.social.api)
    # Mastodon's clients use these OAuth paths without the trailing slash (and /oauth/revoke).
    path("oauth/authorize", SsoAuthorizationView.as_view()),
    path("oauth/token", oauth2_views.TokenView.as_view()),
    path("oauth/revoke", oauth2_views.RevokeTokenView.as_view()),
    path("", include("vcnet.sso.root_urls")),  # /.well-known/openid-configuration, oauth/ overrides
    path("oauth/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("admin/", admin.site.urls),
]
if settings.SERVE_MEDIA:
    # Public media only (avatars); permission-protected files are served by their app's views.
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler400 = "vcnet.core.views.bad_request"
handler403 = "vcnet.core.views.permission_denied"
handler404 = "vcnet.core.views.page_not_found"
handler500 = "vcnet.core.views.server_error"
