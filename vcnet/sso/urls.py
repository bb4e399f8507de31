from django.urls import URLPattern, URLResolver, path

from vcnet.sso import views

app_name = "sso"

urlpatterns: list[URLPattern | URLResolver] = [
    path("apps/", views.app_list, name="apps"),
    path("open/<int:profile_id>/", views.app_open, name="open"),
]
