"""URLs of the social network: groups, official pages and the person's social settings."""

from django.urls import URLPattern, URLResolver, path

from vcnet.social.views import groups, pages, settings

urlpatterns: list[URLPattern | URLResolver] = [
    path("groups/", groups.directory, name="groups"),
    path("groups/pin/<int:post_id>/", groups.pin, name="group_pin"),
    path("groups/<slug:slug>/", groups.detail, name="group"),
    path("groups/<slug:slug>/join/", groups.join, name="group_join"),
    path("groups/<slug:slug>/leave/", groups.leave, name="group_leave"),
    path("groups/<slug:slug>/requests/", groups.requests, name="group_requests"),
    path("groups/<slug:slug>/members/", groups.members, name="group_members"),
    path("pages/", pages.directory, name="pages"),
    path("pages/new/", pages.create, name="page_new"),
    path("pages/<str:handle>/manage/", pages.manage, name="page_manage"),
    path("pages/<str:handle>/verify/", pages.verify, name="page_verify"),
    path("settings/", settings.settings_page, name="settings"),
    path("settings/words/<int:word_id>/remove/", settings.word_remove, name="muted_word_remove"),
    path("settings/blocks/<int:actor_id>/remove/", settings.unblock, name="settings_unblock"),
    path("settings/mutes/<int:actor_id>/remove/", settings.unmute, name="settings_unmute"),
]
