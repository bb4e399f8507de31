"""Pages of the e-office (owned by the web helper)."""

from django.urls import path

from vcnet.documents import views, views_reports
from vcnet.documents.views import signing as signing_views

app_name = "documents"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("receive/", views.receive, name="receive"),
    path("draft/", views.draft_new, name="draft"),
    path("search/", views.search, name="search"),
    path("search/saved/", views.saved_search_create, name="saved_search_create"),
    path("search/saved/<int:pk>/delete/", views.saved_search_delete, name="saved_search_delete"),
    path("case-files/", views.casefile_list, name="casefiles"),
    path("case-files/<int:pk>/", views.casefile_detail, name="casefile"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/files/<int:file_id>/", views.file_download, name="file"),
    path("<int:pk>/do/<slug:name>/", views.document_action, name="action"),
    # digital signatures
    path("<int:pk>/sign/", signing_views.document_sign, name="sign"),
    path("<int:pk>/sign/start/", signing_views.document_sign_start, name="sign_start"),
    path("<int:pk>/copy/", signing_views.document_copy, name="copy"),
    path("sign/batch/", signing_views.sign_batch, name="sign_batch"),
    path("sign/jobs/<int:pk>/", signing_views.sign_job, name="sign_job"),
    path("sign/jobs/<int:pk>/run/", signing_views.sign_job_run, name="sign_job_run"),
    # reports
    path("stats/", views_reports.stats_dashboard, name="stats"),
    path("stats/export.xlsx", views_reports.stats_export_xlsx, name="stats_xlsx"),
    path("stats/export.pdf", views_reports.stats_export_pdf, name="stats_pdf"),
    path("registers/", views_reports.registers, name="registers"),
    path("registers/<int:pk>/<int:year>.pdf", views_reports.register_download, name="register_pdf"),
]
