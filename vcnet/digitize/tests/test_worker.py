"""OCR jobs run on their own queue, with a worker of their own under `vcnet serve`, so that a
long scan never holds up mail and notifications."""

from __future__ import annotations

from vcnet.core.health import DB_BACKEND, task_backend
from vcnet.core.management.commands.serve import own_worker_queues, worker_argv
from vcnet.digitize.tasks import scan_process


def test_ocr_tasks_use_the_ocr_queue_of_the_real_backend() -> None:
    assert scan_process.queue_name == "ocr"
    assert "ocr" in task_backend()[2]
    assert own_worker_queues() == ["ocr", "opinion"]


def test_serve_starts_a_worker_for_ocr_and_one_for_everything_else() -> None:
    backend = task_backend()[1]
    ocr_text, ocr_argv = worker_argv("ocr")
    _main_text, main_argv = worker_argv()
    assert "ocr" in ocr_text
    if backend == DB_BACKEND:
        assert ocr_argv[ocr_argv.index("--queue-name") + 1] == "ocr"
        assert main_argv[main_argv.index("--exclude-queues") + 1] == "ocr,opinion"
    else:
        assert ocr_argv[-1] == "ocr" and "ocr" not in main_argv


def test_serve_starts_opinion_workers_as_configured(settings) -> None:  # type: ignore[no-untyped-def]
    from vcnet.core.management.commands.serve import queue_workers
    from vcnet.opinion.tasks import collect, process

    assert process.queue_name == collect.queue_name == "opinion"
    assert queue_workers("ocr") == 1
    settings.OPINION_WORKERS = 2
    assert queue_workers("opinion") == 2
