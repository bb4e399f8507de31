"""The application directory: registration rules, the launcher pages, the client-secret hasher."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.test import Client
from oauth2_provider.models import Application

from vcnet.accounts.models import Role, User
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.core.models import AuditEntry
from vcnet.sso.services import app_register, app_update
from vcnet.sso.tests.conftest import CLIENT_SECRET, LAUNCH_URL, register

pytestmark = pytest.mark.django_db


def test_register_hashes_the_secret_with_the_fast_hasher_and_audits() -> None:
    profile = register()
    application = Application.objects.get(client_id="dat-phong-hop")
    assert identify_hasher(application.client_secret).algorithm == "client_sha256"
    assert check_password(CLIENT_SECRET, application.client_secret)
    assert not check_password("sai", application.client_secret)
    assert application.skip_authorization is True
    assert application.algorithm == "RS256"
    assert AuditEntry.objects.filter(action="sso.app_register", object_id=str(profile.pk)).exists()


def test_people_keep_the_strong_password_hasher(official: User, settings: Any) -> None:
    assert settings.PASSWORD_HASHERS[-1] == "vcnet.sso.hashers.ClientSecretHasher"
    assert identify_hasher(official.password).algorithm != "client_sha256"


def _register_x(actor: User, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "name": "X",
        "client_id": "x",
        "client_secret": "s" * 40,
        "redirect_uris": ["https://x.example/cb"],
        "launch_url": "https://x.example/",
    }
    return app_register(actor=actor, **{**fields, **overrides})


def test_only_administrators_register(official: User, admin: User) -> None:
    with pytest.raises(PermissionDeniedError):
        _register_x(official)
    _register_x(admin)
    with pytest.raises(Conflict):
        _register_x(admin)
    with pytest.raises(DomainError):
        _register_x(
            admin,
            name="Y",
            client_id="y",
            redirect_uris=["https://y.example/cb"],
            launch_url="",
            allowed_roles=["vua"],
        )


def test_launcher_lists_the_apps_a_person_may_open(
    client: Client, province: Any, leader: User, outsider: User, citizen: User
) -> None:
    restricted = register(allowed_units=(province,))
    open_to_all = register(client_id="thu-vien")
    app_update(actor=None, profile=open_to_all, name="Thư viện số")

    client.force_login(leader)
    page = client.get("/sso/apps/")
    assert page.status_code == 200
    assert "Đặt phòng họp" in page.text
    assert "Thư viện số" in page.text
    home = client.get("/")
    assert f"/sso/open/{restricted.pk}/" in home.text  # the core launcher shows it too

    opened = client.get(f"/sso/open/{restricted.pk}/")
    assert opened.status_code == 302
    assert opened["Location"] == LAUNCH_URL
    assert AuditEntry.objects.filter(action="sso.app_open", actor_id=leader.pk).exists()

    client.force_login(outsider)
    page = client.get("/sso/apps/")
    assert f"/sso/open/{restricted.pk}/" not in page.text
    assert "Thư viện số" in page.text
    assert client.get(f"/sso/open/{restricted.pk}/").status_code == 404
    assert f"/sso/open/{restricted.pk}/" not in client.get("/").text


def test_subunits_are_included(client: Client, central: Any, leader: User) -> None:
    register(allowed_units=(central,), allowed_roles=(Role.LEADER,))
    client.force_login(leader)  # a leader of the province, below the centre
    assert "Đặt phòng họp" in client.get("/sso/apps/").text


def test_launcher_needs_sign_in(client: Client) -> None:
    response = client.get("/sso/apps/")
    assert response.status_code == 302


def test_self_service_application_pages_are_off(client: Client, official: User) -> None:
    client.force_login(official)
    assert client.get("/oauth/applications/").status_code == 404
    assert client.get("/oauth/applications/register/").status_code == 404


def test_discovery_at_the_root_uses_site_url(client: Client, settings: Any) -> None:
    settings.SITE_URL = "https://vcnet.example.vn/"
    data = client.get("/.well-known/openid-configuration").json()
    assert data["issuer"] == "https://vcnet.example.vn"
    assert data["token_endpoint"] == "https://vcnet.example.vn/oauth/token/"
    keys = client.get("/oauth/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA"
    assert "d" not in keys[0]
