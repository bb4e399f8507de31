"""`/healthz` answers load balancers and operators: 200 when all is well, 503 with the culprit."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vcnet.core.tasks import send_email

USES_RQ = settings.TASKS["queued"]["BACKEND"] == "django_tasks_rq.RQBackend"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.django_db
def test_healthy_instance_answers_200_without_login(client: Client) -> None:
    response = client.get("/healthz")

    assert reverse("core:healthz") == "/healthz"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert check["ms"] >= 0
    expected_vendor = (
        "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"
    )
    assert body["checks"]["database"]["vendor"] == expected_vendor
    assert body["checks"]["tasks"]["backend"] == ("rq" if USES_RQ else "database")


@pytest.mark.django_db
def test_head_works_and_writes_are_refused(client: Client) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_tasks_check_counts_waiting_work(client: Client) -> None:
    send_email.using(backend="queued").enqueue(
        to=["congdan@example.vn"], subject="Thông báo", body="Nội dung thông báo."
    )
    send_email.using(backend="queued").enqueue(
        to=["congdan@example.vn"], subject="Nhắc lịch", body="Nội dung nhắc lịch."
    )

    tasks = client.get("/healthz").json()["checks"]["tasks"]

    if USES_RQ:
        assert tasks["queues"]["mail"] == 2
        assert tasks["queues"]["default"] == 0
    else:
        from django_tasks_db.models import DBTaskResult

        assert tasks["ready"] == 2
        # The oldest waiting task has waited two minutes: operators see a stuck worker.
        DBTaskResult.objects.filter(pk=DBTaskResult.objects.order_by("enqueued_at")[0].pk).update(
            enqueued_at=timezone.now() - dt.timedelta(minutes=2)
        )
        tasks = client.get("/healthz").json()["checks"]["tasks"]
        assert 120 <= tasks["oldest_ready_age_s"] < 180


@pytest.mark.django_db
def test_unreachable_cache_fails_with_503_and_reveals_nothing(
    client: Client, settings: Any
) -> None:
    port = closed_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://:mat-khau-bi-mat@127.0.0.1:{port}/0",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["status"] == "ok"
    text = response.content.decode()
    assert "mat-khau-bi-mat" not in text
    assert str(port) not in text
    assert "127.0.0.1" not in text


@pytest.mark.django_db
def test_unreachable_task_queue_fails_with_503(client: Client, settings: Any) -> None:
    # Redis for the task queue is down (the cache stays local): the tasks check fails.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.RQ_QUEUES = {
        name: {"URL": f"redis://127.0.0.1:{closed_port()}/0"} for name in ("default", "mail")
    }
    settings.TASKS = {
        "default": settings.TASKS["default"],
        "queued": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "mail"]},
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["tasks"] == {
        "status": "fail",
        "error": "ConnectionError",
        "ms": body["checks"]["tasks"]["ms"],
    }
    assert body["checks"]["cache"]["status"] == "ok"
