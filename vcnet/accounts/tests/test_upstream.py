"""Upstream identity providers: "Sign in with …" an OpenID Connect provider set in the environment.

The provider in these tests is VCNET itself, a second registered client on the live server, not
a mock. The live server is reached under two host names so that the browser-like session keeps
two separate cookies: the "upstream" is `SITE_URL` (http://localhost:PORT, the issuer), and the
VCNET being signed in to is http://127.0.0.1:PORT.
"""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from vcnet.accounts.models import User
from vcnet.accounts.upstream import upstream_providers
from vcnet.core.env import Env, EnvError
from vcnet.sso.services import app_register

PROVIDER = "vneid-thu"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _env(**values: str) -> Env:
    return Env({"VCNET_UPSTREAM_OIDC": PROVIDER, **values})


GOOD = {
    "VCNET_UPSTREAM_OIDC_VNEID_THU_NAME": "VNeID thử nghiệm",
    "VCNET_UPSTREAM_OIDC_VNEID_THU_SERVER_URL": "https://id.example.gov.vn/",
    "VCNET_UPSTREAM_OIDC_VNEID_THU_CLIENT_ID": "vcnet",
    "VCNET_UPSTREAM_OIDC_VNEID_THU_CLIENT_SECRET": "bí-mật",
}


def test_providers_are_read_from_the_environment() -> None:
    assert upstream_providers(Env({})) == []
    [app] = upstream_providers(_env(**GOOD))
    assert app["provider_id"] == PROVIDER and app["name"] == "VNeID thử nghiệm"
    assert app["client_id"] == "vcnet" and app["secret"] == "bí-mật"
    assert app["settings"]["server_url"] == "https://id.example.gov.vn"
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert app["settings"]["scope"] == ["openid", "profile", "email"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"VCNET_UPSTREAM_OIDC": "VNeID!"}, "is not a provider id"),
        ({"VCNET_UPSTREAM_OIDC": "vneid-thu,vneid-thu"}, "twice"),
        ({"VCNET_UPSTREAM_OIDC_VNEID_THU_SERVER_URL": ""}, "SERVER_URL must be set"),
        ({"VCNET_UPSTREAM_OIDC_VNEID_THU_SERVER_URL": "ftp://id"}, "http:// or https://"),
        ({"VCNET_UPSTREAM_OIDC_VNEID_THU_CLIENT_ID": ""}, "CLIENT_ID must be set"),
        ({"VCNET_UPSTREAM_OIDC_VNEID_THU_CLIENT_SECRET": ""}, "CLIENT_SECRET or"),
        ({"VCNET_UPSTREAM_OIDC_VNEID_THU_SCOPE": "profile email"}, "must include openid"),
        ({"VCNET_UPSTREAM_OIDC_VNEID_THU_PKCE": "maybe"}, "is not a boolean"),
    ],
)
def test_a_bad_provider_setting_is_a_clear_error(change: dict[str, str], message: str) -> None:
    with pytest.raises(EnvError, match=message):
        upstream_providers(Env({"VCNET_UPSTREAM_OIDC": PROVIDER, **GOOD, **change}))


def test_the_secret_may_come_from_a_file(tmp_path: Any) -> None:
    secret_file = tmp_path / "vneid"
    secret_file.write_text("từ-tệp\n", encoding="utf-8")
    values = {**GOOD, "VCNET_UPSTREAM_OIDC_VNEID_THU_CLIENT_SECRET": ""}
    values["VCNET_UPSTREAM_OIDC_VNEID_THU_CLIENT_SECRET_FILE"] = str(secret_file)
    [app] = upstream_providers(_env(**values))
    assert app["secret"] == "từ-tệp"


@pytest.fixture
def upstream(live_server: Any, settings: Any) -> str:
    """VCNET at http://localhost:PORT as the upstream provider; returns the other address."""
    settings.SITE_URL = live_server.url  # the upstream's issuer
    port = urlsplit(live_server.url).port
    here = f"http://127.0.0.1:{port}"
    secret = secrets.token_urlsafe(96)
    app_register(
        actor=None,
        name="VCNET (thượng nguồn)",
        client_id="vcnet-as-upstream",
        client_secret=secret,
        redirect_uris=[f"{here}/accounts/oidc/{PROVIDER}/login/callback/"],
        launch_url="",
        first_party=True,
    )
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": upstream_providers(
                Env(
                    {
                        "VCNET_UPSTREAM_OIDC": PROVIDER,
                        "VCNET_UPSTREAM_OIDC_VNEID_THU_NAME": "VNeID thử nghiệm",
                        "VCNET_UPSTREAM_OIDC_VNEID_THU_SERVER_URL": live_server.url,
                        "VCNET_UPSTREAM_OIDC_VNEID_THU_CLIENT_ID": "vcnet-as-upstream",
                        "VCNET_UPSTREAM_OIDC_VNEID_THU_CLIENT_SECRET": secret,
                    }
                )
            )
        }
    }
    return here


def _sign_in_upstream(browser: requests.Session, base: str, login: str, password: str) -> None:
    page = browser.get(f"{base}/accounts/login/")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "login": login, "password": password},
    )
    assert answer.url == f"{base}/", answer.url


def _sign_in_with_provider(browser: requests.Session, here: str) -> requests.Response:
    """Press "VNeID thử nghiệm" on the sign-in page, confirm, and follow the redirects."""
    page = browser.get(f"{here}/accounts/login/")
    assert page.status_code == 200
    assert "VNeID thử nghiệm" in page.text
    start = f"/accounts/oidc/{PROVIDER}/login/"
    assert start in page.text
    confirm = browser.get(f"{here}{start}?process=login")
    token = CSRF.search(confirm.text).group(1)  # type: ignore[union-attr]
    return browser.post(f"{here}{start}?process=login", data={"csrfmiddlewaretoken": token})


def _signed_in_here(browser: requests.Session, here: str, name: str) -> bool:
    return name in browser.get(f"{here}/accounts/profile/").text


def test_signing_in_upstream_links_the_account_with_the_same_verified_email(
    upstream: str, live_server: Any, transactional_db: None, leader: User, password: str
) -> None:
    here = upstream
    browser = requests.Session()
    # The person is signed in at the provider (VCNET on localhost), not yet here (127.0.0.1).
    _sign_in_upstream(browser, live_server.url, leader.email or "", password)
    assert not _signed_in_here(browser, here, leader.full_name)

    answer = _sign_in_with_provider(browser, here)

    assert answer.status_code == 200
    assert answer.url == f"{here}/", [r.url for r in answer.history]
    hops = [urlsplit(r.url).netloc for r in answer.history]
    assert urlsplit(live_server.url).netloc in hops  # it really went through the provider
    assert _signed_in_here(browser, here, leader.full_name)
    link = SocialAccount.objects.get(provider=PROVIDER)
    assert link.user == leader and link.extra_data["userinfo"]["email"] == leader.email
    # Linking kept the account as it was: the password still works.
    leader.refresh_from_db()
    assert leader.check_password(password)

    # Next time the link itself signs the person in.
    again = requests.Session()
    _sign_in_upstream(again, live_server.url, leader.email or "", password)
    assert _sign_in_with_provider(again, here).url == f"{here}/"
    assert _signed_in_here(again, here, leader.full_name)
    assert SocialAccount.objects.filter(provider=PROVIDER).count() == 1


def test_a_provider_that_does_not_vouch_for_the_email_links_nothing(
    upstream: str, live_server: Any, transactional_db: None, official: User, password: str
) -> None:
    here = upstream
    browser = requests.Session()
    _sign_in_upstream(browser, live_server.url, official.email or "", password)
    # The provider no longer vouches for the address (say, it is awaiting re-verification
    # there): it now sends email_verified=false.
    assert EmailAddress.objects.filter(user=official).update(verified=False) == 1

    accounts = User.objects.count()

    answer = _sign_in_with_provider(browser, here)

    assert not SocialAccount.objects.filter(provider=PROVIDER).exists()
    assert not _signed_in_here(browser, here, official.full_name)
    assert User.objects.count() == accounts
    # Without saying whether the address has an account (no enumeration), allauth answers as
    # for a new sign-up: "check your mailbox"; the mail tells the owner they have an account.
    assert answer.url == f"{here}/accounts/confirm-email/", answer.url
    official.refresh_from_db()
    assert official.check_password(password)
