"""The opinion pages under /opinion/: the analysts' dashboard, the drill-down, the exports, the
alerts, and the demo news site the demo feeds point at."""

from django.urls import path

from vcnet.opinion import demo_news, views, views_sources

app_name = "opinion"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("items/", views.items, name="items"),
    path("export.<str:fmt>", views.export, name="export"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/ack/", views.alert_ack, name="alert_ack"),
    path("sources/", views_sources.sources, name="sources"),
    path("sources/<int:pk>/active/", views_sources.source_toggle, name="source_toggle"),
    path("sources/import/", views_sources.clippings_import, name="clippings_import"),
    path("watchlists/", views_sources.watchlists, name="watchlists"),
    path("watchlists/<int:pk>/delete/", views_sources.watchlist_delete, name="watchlist_delete"),
    path("demo-news/<path:path>", demo_news.demo_news, name="demo_news"),
]
