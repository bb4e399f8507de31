"""`/healthz`: is this instance able to serve? Database, cache and task queue, each timed.

The answer names no host, URL or password: a failing check reports only the exception's class.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

DB_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"

Check = dict[str, Any]


def task_backend() -> tuple[str, str, list[str]]:
    """The alias, class path and queues of the task backend that workers serve.

    In tests the default backend runs tasks inline and the real one is under another alias;
    the first database or RQ backend in `settings.TASKS` is the one that matters.
    """
    configured: dict[str, dict[str, Any]] = settings.TASKS
    chosen = next(
        (
            alias
            for alias, config in configured.items()
            if config["BACKEND"] in (DB_BACKEND, RQ_BACKEND)
        ),
        next(iter(configured)),
    )
    config = configured[chosen]
    return chosen, str(config["BACKEND"]), list(config.get("QUEUES", []))


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache() -> Check:
    key = f"healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    read = cache.get(key)
    cache.delete(key)
    if read != value:
        raise RuntimeError("the cache did not return the value just stored")
    return {}


def check_tasks() -> Check:
    alias, backend, queues = task_backend()
    if backend == DB_BACKEND:
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.ready().filter(backend_name=alias)
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        return {
            "backend": "database",
            "ready": ready.count(),
            "oldest_ready_age_s": round(max(age, 0.0), 1),
        }
    if backend == RQ_BACKEND:
        import django_rq

        names = sorted(set(queues) & set(settings.RQ_QUEUES)) or sorted(settings.RQ_QUEUES)
        django_rq.get_connection(names[0]).ping()
        return {
            "backend": "rq",
            "queues": {name: django_rq.get_queue(name).count for name in names},
        }
    return {"backend": backend.rpartition(".")[2]}


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "cache": check_cache,
    "tasks": check_tasks,
}


def run_check(check: Callable[[], Check]) -> Check:
    """Runs one check; on any error reports only the error's class, never its message."""
    started = time.perf_counter()
    try:
        result: Check = {"status": "ok", **check()}
    except Exception as exc:
        result = {"status": "fail", "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 2)
    return result


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {name: run_check(check) for name, check in CHECKS.items()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks},
        status=200 if healthy else 503,
    )
