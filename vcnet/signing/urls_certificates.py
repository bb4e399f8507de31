"""URLs of "My signature" (/signing/): certificates, seals, trusted roots."""

from django.urls import path

from vcnet.signing import views_certificates as views

urlpatterns = [
    path("", views.home, name="certificates"),
    path("certificates/new/", views.issue_personal, name="certificate_issue"),
    path("certificates/import/", views.import_pkcs12, name="certificate_import"),
    path("certificates/register/", views.register_external, name="certificate_register"),
    path("certificates/all/", views.all_certificates, name="certificates_all"),
    path("certificates/<int:pk>/", views.detail, name="certificate"),
    path("certificates/<int:pk>/download/", views.download, name="certificate_download"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="certificate_revoke"),
    path("seals/<int:unit_id>/issue/", views.issue_seal, name="seal_issue"),
    path("roots/", views.trusted_roots, name="ca_roots"),
    path("roots/<int:pk>/toggle/", views.trusted_root_toggle, name="ca_root_toggle"),
]
