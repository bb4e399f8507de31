"""Pages of the shared kernel: home, units, the PWA files, error pages."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from vcnet.accounts.selectors import memberships_of, unit_tree

THEME_COLOR = "#a51d24"
BACKGROUND_COLOR = "#f5f6f8"
# Bump when sw.js's own code changes; static URLs already change the version when hashed.
SERVICE_WORKER_REVISION = "1"
STATIC_SHELL = (
    "core/vcnet.css",
    "core/app.js",
    "core/icons.svg",
    "vendor/htmx.min.js",
    "core/icons/icon-192.png",
    "core/icons/favicon-32.png",
)


def home(request: HttpRequest) -> HttpResponse:
    """Welcome for visitors; greeting, units and roles, and the launcher for people signed in."""
    memberships = list(memberships_of(request.user)) if request.user.is_authenticated else []
    return render(request, "core/home.html", {"memberships": memberships})


@login_required
def units(request: HttpRequest) -> HttpResponse:
    """The organisation's unit tree."""
    return render(request, "core/units.html", {"tree": unit_tree()})


@require_safe
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest that makes VCNET installable."""
    icons = [
        {
            "src": static(f"core/icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any",
        }
        for size in (192, 512)
    ] + [
        {
            "src": static(f"core/icons/maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    data = {
        "id": "/",
        "name": "VCNET",
        "short_name": "VCNET",
        "description": _(
            "One sign-in, the electronic office and the community of the public-communication organisation."
        ),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["government", "social", "productivity"],
        "icons": icons,
    }
    return JsonResponse(
        data,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site root so that its scope is the whole site."""
    offline_url = reverse("core:offline")
    precache = [offline_url, *(static(path) for path in STATIC_SHELL)]
    version = hashlib.sha256("\n".join([SERVICE_WORKER_REVISION, *precache]).encode()).hexdigest()[
        :12
    ]
    script = loader.render_to_string(
        "core/sw.js",
        {
            "version_json": json.dumps(version),
            "offline_url_json": json.dumps(offline_url),
            "precache_json": json.dumps(precache),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows when a page cannot be loaded."""
    return render(request, "core/offline.html")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: a request the server cannot handle."""
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the person may not open this page."""
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form whose security token is missing or stale (usually an old open tab)."""
    return render(request, "403.html", {"csrf_failed": True}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: no such page (or one the person may not know exists)."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: rendered without context processors, so that it works when little else does."""
    return HttpResponseServerError(loader.get_template("500.html").render())
