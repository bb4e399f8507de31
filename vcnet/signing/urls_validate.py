"""URLs of the signing app: validation of signed PDFs (/signing/validate/)."""

from django.urls import path

from vcnet.signing import views_validate as views

urlpatterns = [
    path("", views.upload, name="validate"),
    path("<int:pk>/", views.report_detail, name="validate_report"),
    path("file/<int:file_id>/", views.file_check, name="validate_file"),
]
