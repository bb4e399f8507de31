"""Settings come from the environment: each case runs a fresh `vcnet` process in a temp var dir."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Variables that change what the settings module builds; the parent test run may set some.
CONFIG_VARS = {
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "CONN_MAX_AGE",
    "EMAIL_URL",
    "VCNET_TESTING",
    "VCNET_VAR_DIR",
    "PYTEST_XDIST_WORKER",
    "DJANGO_SETTINGS_MODULE",
}


def child_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in CONFIG_VARS}
    env.update({"VCNET_VAR_DIR": str(var_dir), "VCNET_TESTING": "0", **extra})
    return env


def vcnet(var_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vcnet", *args],
        env=child_env(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def read_settings(var_dir: Path, code: str, **extra: str) -> Any:
    """Evaluates `code` (an expression over `settings` and `connection`) in a fresh process."""
    script = (
        "import json, django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.db import connection\n"
        f"print(json.dumps({code}, default=str))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=child_env(var_dir, DJANGO_SETTINGS_MODULE="vcnet.settings", **extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_URL", "mysql://vcnet:mat-khau-bi-mat@db/vcnet", "must be a URL starting"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:54x2/vcnet", "has a port"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:99999/vcnet", "has a port"),
        ("DATABASE_URL", "postgres://postgres:mat-khau-bi-mat@127.0.0.1:5432", "names no database"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/", "names no database"),
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("REDIS_URL", "http://127.0.0.1:6379/0", "REDIS_URL must be a URL starting"),
        ("REDIS_URL", "redis://:mat-khau-bi-mat@127.0.0.1:63a9/0", "REDIS_URL has a port"),
        ("REDIS_URL", "redis://127.0.0.1:6379/bo-nho-dem", "database number"),
        ("LOGIN_FAILURE_LIMIT", "năm", "is not a whole number"),
    ],
)
def test_bad_setting_stops_with_one_line(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    result = vcnet(tmp_path, "check", **{name: value})

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("vcnet: configuration error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert "mat-khau-bi-mat" not in result.stderr


def test_bad_conn_max_age_on_postgresql(tmp_path: Path) -> None:
    result = vcnet(
        tmp_path,
        "check",
        DATABASE_URL="postgres://vcnet@db.vcnet.gov.vn:5432/vcnet",
        CONN_MAX_AGE="-1",
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "vcnet: configuration error: CONN_MAX_AGE=-1 is below the minimum of 0."
    )


def test_default_configuration_passes_checks(tmp_path: Path) -> None:
    result = vcnet(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_sqlite_runs_in_wal_mode_in_the_var_dir(tmp_path: Path) -> None:
    seen = read_settings(
        tmp_path,
        "[connection.cursor().execute(f'PRAGMA {p}').fetchone()[0]"
        " for p in ('journal_mode', 'synchronous', 'foreign_keys')]"
        " + [str(settings.DATABASES['default']['NAME']), settings.DATABASES['default']['CONN_MAX_AGE']]",
    )

    journal_mode, synchronous, foreign_keys, name, conn_max_age = seen
    assert journal_mode == "wal"
    assert synchronous == 1  # NORMAL
    assert foreign_keys == 1
    assert Path(name) == tmp_path / "vcnet.sqlite3"
    assert conn_max_age > 0
    # WAL is a property of the file: any later connection sees it too.
    with sqlite3.connect(tmp_path / "vcnet.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_postgresql_keeps_connections_with_health_checks(tmp_path: Path) -> None:
    url = "postgres://vcnet@db.vcnet.gov.vn:5432/vcnet"
    code = "{k: settings.DATABASES['default'][k] for k in ('ENGINE', 'NAME', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}"

    default = read_settings(tmp_path, code, DATABASE_URL=url)
    tuned = read_settings(tmp_path, code, DATABASE_URL=url, CONN_MAX_AGE="300")

    assert default == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "vcnet",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
    assert tuned["CONN_MAX_AGE"] == 300


TASKS_AND_CACHES = (
    "{'tasks': {a: c['BACKEND'] for a, c in settings.TASKS.items()},"
    " 'queues': settings.TASKS.get('queued', settings.TASKS['default'])['QUEUES'],"
    " 'cache': settings.CACHES['default']['BACKEND'],"
    " 'cache_location': settings.CACHES['default'].get('LOCATION', ''),"
    " 'rq': {n: q['URL'] for n, q in settings.RQ_QUEUES.items()}}"
)


def test_without_redis_tasks_use_the_database(tmp_path: Path) -> None:
    seen = read_settings(tmp_path, TASKS_AND_CACHES)

    assert seen["tasks"] == {"default": "django_tasks_db.DatabaseBackend"}
    assert seen["queues"] == ["default", "mail", "ocr", "opinion"]
    assert seen["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_with_redis_tasks_and_cache_use_redis(tmp_path: Path) -> None:
    url = "redis://cache.vcnet.gov.vn:6379/2"
    seen = read_settings(tmp_path, TASKS_AND_CACHES, REDIS_URL=url)

    assert seen["tasks"] == {"default": "django_tasks_rq.RQBackend"}
    assert seen["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert seen["cache_location"] == url
    assert seen["rq"] == {"default": url, "mail": url, "ocr": url, "opinion": url}


def test_tests_run_tasks_inline_and_keep_the_real_backend_as_queued(tmp_path: Path) -> None:
    seen = read_settings(
        tmp_path,
        TASKS_AND_CACHES,
        VCNET_TESTING="1",
        REDIS_URL="redis://127.0.0.1:6379/0",
        PYTEST_XDIST_WORKER="gw3",
    )

    assert seen["tasks"] == {
        "default": "django_tasks.backends.immediate.ImmediateBackend",
        "queued": "django_tasks_rq.RQBackend",
    }
    # Each pytest-xdist worker has a Redis database of its own (gw3 → 4).
    assert seen["cache_location"] == "redis://127.0.0.1:6379/4"
    assert seen["rq"]["mail"] == "redis://127.0.0.1:6379/4"


def test_generated_secret_key_is_stable_across_runs(tmp_path: Path) -> None:
    first = read_settings(tmp_path, "settings.SECRET_KEY")
    second = read_settings(tmp_path, "settings.SECRET_KEY")

    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text(encoding="utf-8")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_secret_key_file_wins_over_the_generated_one(tmp_path: Path) -> None:
    secret_file = tmp_path / "run-secrets" / "secret_key"
    secret_file.parent.mkdir()
    secret_file.write_text("khoa-bi-mat-tu-docker-secret\n", encoding="utf-8")

    seen = read_settings(tmp_path, "settings.SECRET_KEY", SECRET_KEY_FILE=str(secret_file))

    assert seen == "khoa-bi-mat-tu-docker-secret"
    assert not (tmp_path / "secret_key").exists()
