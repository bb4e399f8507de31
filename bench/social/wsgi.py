"""WSGI entry for the benchmark server: `granian --interface wsgi bench.social.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.social.settings")
application = get_wsgi_application()
