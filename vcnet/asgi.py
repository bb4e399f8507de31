"""ASGI entry point, kept for long-lived streams (server-sent events) only."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcnet.settings")
application = get_asgi_application()
