from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "vcnet.assistant"
    label = "assistant"
    verbose_name = _("Assistant")

    def ready(self) -> None:
        from vcnet.assistant import navigation  # noqa: F401  (registers the launcher entry)
