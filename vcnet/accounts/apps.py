from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vcnet.accounts"
    label = "accounts"
    verbose_name = _("Accounts and units")

    def ready(self) -> None:
        from vcnet.accounts import signals  # noqa: F401  (connects the audit plumbing)
