"""Moderation pages: reporting, the queue and cases, my content's actions and appeals, the
appeals to decide, moderator roles, the public page behind a label."""

from django.urls import URLPattern, URLResolver, path

from vcnet.moderation.views import appeals, cases, mine, report

urlpatterns: list[URLPattern | URLResolver] = [
    path("", cases.queue, name="queue"),
    path(
        "report/<str:kind>/<int:target_id>/",
        report.report,
        name="report",
    ),
    path("cases/<int:pk>/", cases.case, name="case"),
    path("cases/<int:pk>/act/", cases.act, name="act"),
    path("actions/<int:pk>/", cases.action_public, name="action_public"),
    path("actions/<int:pk>/reverse/", cases.reverse_action, name="reverse"),
    path("actions/<int:pk>/appeal/", mine.appeal, name="appeal"),
    path("mine/", mine.mine, name="mine"),
    path("appeals/", appeals.appeals, name="appeals"),
    path("appeals/<int:pk>/decide/", appeals.appeal_decide, name="appeal_decide"),
    path("roles/", appeals.roles, name="roles"),
    path("roles/<int:pk>/revoke/", appeals.role_revoke, name="role_revoke"),
]
