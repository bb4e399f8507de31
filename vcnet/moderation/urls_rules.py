"""Moderation pages: the automatic rules, for site moderators."""

from django.urls import URLPattern, URLResolver, path

from vcnet.moderation import views_rules

urlpatterns: list[URLPattern | URLResolver] = [
    path("rules/", views_rules.rule_list, name="rules"),
    path("rules/new/", views_rules.rule_new, name="rule_new"),
    path("rules/test/", views_rules.rule_test, name="rule_test"),
    path("rules/<int:pk>/", views_rules.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/deactivate/", views_rules.rule_deactivate, name="rule_deactivate"),
]
