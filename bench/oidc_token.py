"""Token-endpoint time with the client secret hashed by the password hasher vs the fast one.

    .venv/bin/python bench/oidc_token.py [-n 30]

Runs in-process (Django's test client) on a throw-away SQLite database in a temporary
VCNET_VAR_DIR. Each request is a refresh-token grant with HTTP Basic client authentication,
so every request checks the client secret once.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=30, help="requests per hasher (default 30)")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="vcnet-bench-")
    # DEBUG only so that error pages render without collected static files.
    os.environ.update(VCNET_VAR_DIR=var_dir, DJANGO_SETTINGS_MODULE="vcnet.settings", DEBUG="true")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application, RefreshToken

    from vcnet.accounts.models import User

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(email="bench@vcnet.test", password=None, full_name="Đo tốc độ")
    secret = "s" * 128
    results: dict[str, list[float]] = {}
    for label, stored in (
        ("password hasher (default)", make_password(secret)),
        ("client_sha256 (CLIENT_SECRET_HASHER)", make_password(secret, hasher="client_sha256")),
    ):
        app = Application.objects.create(
            name=label,
            client_id=f"bench-{len(results)}",
            client_secret=stored,
            client_type="confidential",
            authorization_grant_type="authorization-code",
            redirect_uris="http://127.0.0.1/cb",
        )
        access = AccessToken.objects.create(
            user=user,
            application=app,
            token=f"a{len(results)}",
            scope="read",
            expires=timezone.now() + dt.timedelta(hours=1),
        )
        refresh = RefreshToken.objects.create(
            user=user, application=app, token=f"r{len(results)}-0", access_token=access
        )
        basic = base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()
        client = Client(HTTP_HOST="127.0.0.1")
        token = refresh.token
        timings = []
        for _ in range(args.n):
            started = time.perf_counter()
            response = client.post(
                "/oauth/token/",
                {"grant_type": "refresh_token", "refresh_token": token},
                HTTP_AUTHORIZATION=f"Basic {basic}",
            )
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content[:300]
            token = response.json()["refresh_token"]
        results[label] = timings
        print(
            f"{label:40s} median {statistics.median(timings) * 1000:7.1f} ms  "
            f"mean {statistics.mean(timings) * 1000:7.1f} ms  ({args.n} requests)"
        )
    slow, fast = (statistics.median(t) for t in results.values())
    print(f"ratio (default / client_sha256): {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
