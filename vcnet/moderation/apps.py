from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "vcnet.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from vcnet.moderation.kinds import LABELS
        from vcnet.notifications.registry import notification_kinds_register

        notification_kinds_register(LABELS)
        from vcnet.moderation import navigation  # noqa: F401  (registers the launcher entry)

        try:
            from vcnet.moderation.rules import review
        except ImportError:  # the rules module is being written
            return
        from vcnet.social.hooks import register_reviewer

        register_reviewer(review)
