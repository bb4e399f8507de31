"""URLs of two-step signature requests: /signing/requests/<id>/ (the page, its live state,
cancelling)."""

from django.urls import URLPattern, path

from vcnet.signing import views_requests

urlpatterns: list[URLPattern] = [
    path("<int:pk>/", views_requests.request_detail, name="request"),
    path("<int:pk>/state/", views_requests.request_state, name="request_state"),
    path("<int:pk>/cancel/", views_requests.request_cancel, name="request_cancel"),
    path("<int:pk>/agent/", views_requests.request_agent_token, name="request_agent_token"),
]
