from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "vcnet.sso"
    label = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from vcnet.core.navigation import launcher_provider_register
        from vcnet.core.signals import sessions_ended
        from vcnet.sso.backchannel import on_sessions_ended, on_user_logged_out
        from vcnet.sso.navigation import launcher_apps_entries

        user_logged_out.connect(on_user_logged_out, dispatch_uid="sso-backchannel-logout")
        sessions_ended.connect(on_sessions_ended, dispatch_uid="sso-backchannel-sessions-ended")
        launcher_provider_register(launcher_apps_entries)
