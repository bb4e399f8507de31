"""The signing pages: each area has its own URL module (owned by one part of the app)."""

from django.urls import include, path

app_name = "signing"

urlpatterns = [
    path("", include("vcnet.signing.urls_certificates")),
    path("ca/", include("vcnet.signing.urls_ca")),
    path("images/", include("vcnet.signing.urls_images")),
    path("requests/", include("vcnet.signing.urls_requests")),
    path("validate/", include("vcnet.signing.urls_validate")),
]
