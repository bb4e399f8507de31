"""The assistant's pages under /assistant/: the chat, the library, the FAQ, and the staff pages."""

from django.urls import path

from vcnet.assistant import views

app_name = "assistant"

urlpatterns = [
    path("", views.index, name="index"),
    path("c/<int:pk>/", views.conversation, name="conversation"),
    path("panel/", views.panel, name="panel"),
    path("ask/", views.ask, name="ask"),
    path("ask/stream/", views.ask_stream, name="ask_stream"),
    path("turns/<int:pk>/rate/", views.rate, name="rate"),
    path("library/", views.library, name="library"),
    path("library/new/", views.library_create, name="library_create"),
    path("library/<int:pk>/", views.library_detail, name="library_detail"),
    path("library/<int:pk>/edit/", views.library_edit, name="library_edit"),
    path("library/<int:pk>/delete/", views.library_delete, name="library_delete"),
    path("faq/", views.faq, name="faq"),
    path("faq/new/", views.faq_create, name="faq_create"),
    path("faq/<int:pk>/edit/", views.faq_edit, name="faq_edit"),
    path("faq/<int:pk>/delete/", views.faq_delete, name="faq_delete"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/done/", views.review_done, name="review_done"),
]
