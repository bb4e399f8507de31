from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "vcnet.opinion"
    label = "opinion"
    verbose_name = _("Public opinion")

    def ready(self) -> None:
        from vcnet.notifications.registry import notification_kinds_register
        from vcnet.opinion import navigation  # noqa: F401  (registers the launcher entry)

        notification_kinds_register({"opinion.alert": _("Public-opinion alerts")})
