"""WSGI entry point, served by granian (`vcnet serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcnet.settings")
application = get_wsgi_application()
