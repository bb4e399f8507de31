from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "vcnet.documents"
    label = "documents"
    verbose_name = _("E-office")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from vcnet.documents.types_data import document_types_ensure

        post_migrate.connect(document_types_ensure, sender=self, dispatch_uid="documents-types")
        from vcnet.documents import navigation  # noqa: F401  (registers the launcher entry)
        from vcnet.documents.services import exchange  # noqa: F401  (registers the exchange hooks)
        from vcnet.documents.services.signing import hooks_register

        hooks_register()  # the number and seal into the PDF, the signing-request handlers
