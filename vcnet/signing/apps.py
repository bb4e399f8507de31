from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "vcnet.signing"
    label = "signing"
    verbose_name = _("Digital signatures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vcnet.signing import navigation  # noqa: F401  (registers the launcher entry)
