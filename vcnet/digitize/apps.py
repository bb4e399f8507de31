from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitizeConfig(AppConfig):
    name = "vcnet.digitize"
    label = "digitize"
    verbose_name = _("Paper to electronic")
    default_auto_field = "django.db.models.BigAutoField"
