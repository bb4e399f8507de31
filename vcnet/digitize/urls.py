"""The digitize pages at /digitize/: scan one document, or import a batch."""

from django.urls import path

from vcnet.digitize import views

app_name = "digitize"

urlpatterns = [
    path("", views.index, name="index"),
    path("scans/<int:pk>/", views.job_detail, name="job"),
    path("scans/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("scans/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("scans/<int:pk>/searchable.pdf", views.job_pdf, name="job_pdf"),
    path("sample.png", views.sample_scan, name="sample"),
    path("batch/", views.batch, name="batch"),
    path("batch/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batch/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("batch/files/<int:pk>/retry/", views.item_retry, name="item_retry"),
]
