"""Provider routes outside /sso/: discovery at the site root and VCNET's versions of some DOT views.

Included at the site root before DOT's own `oauth/` URLs, so these paths win while DOT's URL
names (`oauth2_provider:authorize`, ...) keep resolving to the same addresses.
"""

from django.urls import URLPattern, URLResolver, path, re_path

from vcnet.sso import views

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.DiscoveryView.as_view(),
        name="oidc-discovery",
    ),
    re_path(r"^oauth/\.well-known/openid-configuration/?$", views.DiscoveryView.as_view()),
    path("oauth/.well-known/jwks.json", views.jwks_view, name="oidc-jwks"),
    path("oauth/authorize/", views.SsoAuthorizationView.as_view(), name="oidc-authorize"),
    re_path(r"^oauth/(applications|register)/", views.not_offered),
]
