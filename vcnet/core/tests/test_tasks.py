"""Background tasks go through the real configured backend and a real worker.

Without REDIS_URL the "queued" backend is django-tasks-db and `db_worker` runs the task; with
REDIS_URL it is RQ and `rqworker` (a non-forking worker, in this process) runs it. Each test
gets its own queue, so tests never run one another's tasks.
"""

from __future__ import annotations

import copy
import signal
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus

from vcnet.core.tasks import send_email

USES_RQ = settings.TASKS["queued"]["BACKEND"] == "django_tasks_rq.RQBackend"


@pytest.fixture(autouse=True)
def _keep_signal_handlers() -> Iterator[None]:
    """Workers install their own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def queue(settings: Any) -> str:
    """A queue of this test's own, known to the "queued" backend and (for RQ) to django-rq."""
    name = f"t{uuid.uuid4().hex[:16]}"
    tasks = copy.deepcopy(settings.TASKS)
    tasks["queued"]["QUEUES"] = [*tasks["queued"]["QUEUES"], name]
    settings.TASKS = tasks  # django-tasks drops its cached backends on this setting change
    settings.RQ_QUEUES = {**settings.RQ_QUEUES, name: dict(settings.RQ_QUEUES["default"])}
    return name


def run_worker(queue: str) -> None:
    """Runs the configured backend's worker until the queue is empty."""
    if USES_RQ:
        call_command(
            "rqworker",
            queue,
            burst=True,
            worker_class="rq.worker.SimpleWorker",
            job_class="django_tasks_rq.backend.Job",
            verbosity=0,
        )
    else:
        call_command(
            "db_worker",
            "--backend=queued",  # as an argument: argparse would validate the default alias
            queue_name=queue,
            batch=True,
            startup_delay=False,
            reload=False,
            verbosity=0,
        )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_worker_sends_queued_email(queue: str) -> None:
    result = send_email.using(backend="queued", queue_name=queue).enqueue(
        to=["congdan@example.vn"],
        subject="Thông báo lịch tiếp công dân",
        body="Ban Tuyên giáo Tỉnh ủy Nghệ An tiếp công dân vào thứ Năm hằng tuần.",
        html_body="<p>Tiếp công dân vào <strong>thứ Năm</strong> hằng tuần.</p>",
    )
    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []  # nothing is sent until a worker runs the task

    run_worker(queue)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["congdan@example.vn"]
    assert message.subject == "Thông báo lịch tiếp công dân"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.alternatives[0][1] == "text/html"  # type: ignore[attr-defined]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1


@pytest.mark.django_db(transaction=True)
def test_failing_task_is_reported_failed(queue: str, settings: Any) -> None:
    # A mail server that does not answer: the task raises, and the failure must be kept.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 5
    result = send_email.using(backend="queued", queue_name=queue).enqueue(
        to=["congdan@example.vn"], subject="Giấy mời họp", body="Mời đồng chí dự họp."
    )

    run_worker(queue)

    fetched = send_email.using(backend="queued").get_result(result.id)
    assert fetched.status == TaskResultStatus.FAILED
    assert fetched.errors, "the error is recorded with the result"
    assert "ConnectionRefusedError" in fetched.errors[-1].traceback
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_worker_leaves_other_queues_alone(queue: str, settings: Any) -> None:
    other = f"t{uuid.uuid4().hex[:16]}"
    tasks = copy.deepcopy(settings.TASKS)
    tasks["queued"]["QUEUES"].append(other)
    settings.TASKS = tasks
    settings.RQ_QUEUES = {**settings.RQ_QUEUES, other: dict(settings.RQ_QUEUES["default"])}
    waiting = send_email.using(backend="queued", queue_name=other).enqueue(
        to=["vanthu@nghean.vcnet.test"], subject="Công văn đến", body="Có công văn mới."
    )

    run_worker(queue)

    waiting.refresh()
    assert waiting.status == TaskResultStatus.READY
    assert mail.outbox == []
    run_worker(other)
    waiting.refresh()
    assert waiting.status == TaskResultStatus.SUCCESSFUL
