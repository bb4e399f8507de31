"""VCNET is installable: manifest, icons, service worker at the root scope, offline page."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def _body(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


def test_manifest_has_what_chromium_needs_to_install(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "VCNET"
    assert manifest["short_name"] == "VCNET"
    assert manifest["lang"] == "vi"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    assert manifest["background_color"].startswith("#")
    assert "Tuyên giáo" in manifest["description"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_every_manifest_icon_is_a_real_png_of_its_stated_size(client: Client) -> None:
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        image = Image.open(io.BytesIO(_body(response)))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        assert icon["type"] == "image/png"


def test_base_links_the_manifest_and_theme_colour(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert f'<meta name="theme-color" content="{manifest["theme_color"]}">' in html


def test_service_worker_is_served_at_the_root_scope(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    assert '"/offline/"' in script
    assert "/static/core/vcnet.css" in script
    assert 'addEventListener("fetch"' in script
    assert 'request.mode === "navigate"' in script


def test_service_worker_precaches_only_urls_that_exist(client: Client) -> None:
    script = client.get("/sw.js").content.decode()
    line = next(line for line in script.splitlines() if line.startswith("const PRECACHE ="))
    urls = json.loads(line.removeprefix("const PRECACHE =").strip().rstrip(";"))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_offline_page_is_in_vietnamese_and_has_no_personal_data(
    client: Client, leader: object
) -> None:
    client.force_login(leader)  # type: ignore[arg-type]
    response = client.get(reverse("core:offline"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bạn đang ngoại tuyến" in html
    assert "Nguyễn Văn An" not in html  # the cached copy must not hold anyone's name
    assert "csrfmiddlewaretoken" not in html
