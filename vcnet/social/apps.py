from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "vcnet.social"
    label = "social"
    verbose_name = _("Social network")

    def ready(self) -> None:
        from vcnet.notifications.registry import notification_kinds_register
        from vcnet.social import (
            navigation,  # noqa: F401  (registers the launcher entry)
            signals,
        )
        from vcnet.social.kinds import LABELS

        notification_kinds_register(LABELS)
        signals.connect()
