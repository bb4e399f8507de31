"""URLs of the social network: web pages."""

from django.urls import URLPattern, URLResolver, path, re_path

from vcnet.social.views import actions, compose, web

urlpatterns: list[URLPattern | URLResolver] = [
    path("", web.home, name="home"),
    path("public/", web.public, name="public"),
    path("pages-feed/", web.pages_feed, name="pages_feed"),
    path("trending/", web.trending, name="trending"),
    path("tags/<str:tag>/", web.tag, name="tag"),
    path("bookmarks/", web.bookmarks, name="bookmarks"),
    path("profile/edit/", web.profile_edit, name="profile_edit"),
    path("compose/", compose.compose, name="compose"),
    path("posts/<int:post_id>/", web.post_detail, name="post"),
    path("posts/<int:post_id>/reply/", compose.reply, name="reply"),
    path("posts/<int:post_id>/edit/", compose.edit, name="edit"),
    path("posts/<int:post_id>/delete/", compose.delete, name="delete"),
    path("posts/<int:post_id>/vote/", compose.vote, name="vote"),
    path("posts/<int:post_id>/react/", actions.react, name="react"),
    path("posts/<int:post_id>/bookmark/", actions.bookmark, name="bookmark"),
    path("posts/<int:post_id>/share/", actions.share, name="share"),
    path("posts/<int:post_id>/unshare/", actions.unshare, name="unshare"),
    re_path(r"^@(?P<handle>[A-Za-z0-9_]+)/$", web.profile, name="profile"),
    re_path(
        r"^@(?P<handle>[A-Za-z0-9_]+)/(?P<action>follow|unfollow|block|unblock|mute|unmute)/$",
        actions.relation,
        name="relation",
    ),
]
