"""URLs of the platform CA (/signing/ca/): certificates, CRLs, OCSP, timestamps."""

from django.urls import path

from vcnet.signing import views_ca

urlpatterns = [
    path("root.crt", views_ca.root_certificate, name="ca-root"),
    path("issuing.crt", views_ca.issuing_certificate, name="ca-issuing"),
    path("crl", views_ca.crl, name="ca-crl"),
    path("root.crl", views_ca.root_crl, name="ca-root-crl"),
    path("ocsp", views_ca.ocsp, name="ca-ocsp"),
    path("ocsp/<path:encoded>", views_ca.ocsp, name="ca-ocsp-get"),
    path("tsa", views_ca.tsa, name="ca-tsa"),
]
