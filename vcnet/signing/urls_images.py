"""URLs of the signing app: signature and seal images (/signing/images/)."""

from django.urls import path

from vcnet.signing import views_images as views

urlpatterns = [
    path("", views.images_page, name="images"),
    path("signature/", views.signature_upload, name="images_signature"),
    path("seal/", views.seal_upload, name="images_seal"),
    path("<int:pk>.png", views.image_file, name="images_file"),
]
