"""`vcnet serve`: the web server (granian, WSGI), the stream server (granian, ASGI: the live
notifications' server-sent events), the background worker and the clock of periodic tasks
(`vcnet clock`), run and stopped together.

The command supervises four child processes (five with `--example`: the example relying party
of `examples/meeting_rooms/`; three with `--no-stream`). The stream server listens on
`VCNET_STREAM_BIND` (default: the web's host, port + 2) and the web child learns its public URL
from `NOTIFICATIONS_STREAM_URL`, so no open tab holds one of the web's few threads. One Ctrl-C (SIGINT) or SIGTERM stops them all and the command
exits 0; if any child dies, the others are stopped and the command exits 1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vcnet.core.env import Env
from vcnet.core.health import DB_BACKEND, RQ_BACKEND, task_backend

RQ_JOB_CLASS = "django_tasks_rq.backend.Job"
STOP_TIMEOUT = 10.0  # seconds a child gets to finish its current work before it is killed
POLL_INTERVAL = 0.2
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 (recognised, not bound)


@dataclass
class Child:
    """One supervised process: its role (for messages), command line and handle."""

    role: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    cwd: Path | None = None
    env: dict[str, str] | None = field(default=None, repr=False)


def parse_bind(bind: str) -> tuple[str, int]:
    """Split `host:port` (or `[v6-address]:port`) into a host for granian and a port number."""
    host, sep, port_text = bind.rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise CommandError(f"--bind {bind!r} is not HOST:PORT (for example 127.0.0.1:8000).")
    return host.removeprefix("[").removesuffix("]"), int(port_text)


def ensure_free(host: str, port: int) -> None:
    """Fails with one clear line when the address is taken, rather than granian's traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None


# Queues of long work (the OCR of a scan takes minutes, an opinion analysis run up to a minute)
# get workers of their own, so that mail and notifications never wait behind them.
OWN_WORKER_QUEUES = ("ocr", "opinion")
# How many worker processes such a queue gets: the name of the setting, else one.
QUEUE_WORKERS_SETTING = {"opinion": "OPINION_WORKERS"}


def queue_workers(queue: str) -> int:
    """The number of worker processes `vcnet serve` starts for an own-worker `queue`."""
    setting = QUEUE_WORKERS_SETTING.get(queue)
    return max(1, int(getattr(settings, setting, 1))) if setting else 1


def own_worker_queues() -> list[str]:
    """The configured queues that get a worker of their own."""
    queues = task_backend()[2]
    return [name for name in OWN_WORKER_QUEUES if name in queues]


def worker_argv(queue: str | None = None) -> tuple[str, list[str]]:
    """A description and the command line of the background worker for the configured backend:
    of `queue` alone, or (by default) of every queue without a worker of its own."""
    alias, backend, queues = task_backend()
    own = own_worker_queues()
    vcnet = [sys.executable, "-m", "vcnet"]
    if backend == DB_BACKEND:
        if queue is not None:
            argv = [*vcnet, "db_worker", "--backend", alias, "--queue-name", queue, "--no-reload"]
            return f"database worker, queue {queue}", argv
        excluded = ["--exclude-queues", ",".join(own)] if own else []
        argv = [*vcnet, "db_worker", "--backend", alias, "--queue-name", "*", *excluded]
        argv.append("--no-reload")
        return "database worker, all queues" + (f" but {', '.join(own)}" if own else ""), argv
    if backend != RQ_BACKEND:
        raise CommandError(f"No worker runs tasks for the {backend} backend (see settings.TASKS).")
    rq_queues = sorted(set(queues) & set(settings.RQ_QUEUES)) or sorted(settings.RQ_QUEUES)
    if queue is not None:
        rq_queues = [queue]
    else:
        rq_queues = [name for name in rq_queues if name not in own] or rq_queues
    argv = [*vcnet, "rqworker", "--job-class", RQ_JOB_CLASS, "--with-scheduler", *rq_queues]
    return f"RQ worker, queues {', '.join(rq_queues)}", argv


def web_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    """The granian command line: WSGI, a few blocking threads per worker (see DESIGN.md)."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        "--workers-kill-timeout",
        str(int(STOP_TIMEOUT)),
        "vcnet.wsgi:application",
    ]


def stream_argv(host: str, port: int) -> list[str]:
    """The granian command line of the stream server: ASGI (without lifespan, which Django lacks),
    one worker: each open stream is a coroutine, not a thread."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asginl",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-ws",
        "--workers-kill-timeout",
        str(int(STOP_TIMEOUT)),
        "vcnet.asgi:application",
    ]


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def stream_children(
    env: Env, host: str, port: int, bind: str | None = None
) -> tuple[str, Child, dict[str, str]]:
    """The stream server's address, its child, and the environment the web child needs to send
    the pages there (`NOTIFICATIONS_STREAM_URL`)."""
    stream_host, stream_port = parse_bind(
        bind or env.string("VCNET_STREAM_BIND") or f"{_url_host(host)}:{port + 2}"
    )
    if (stream_host, stream_port) == (host, port):
        raise CommandError("VCNET_STREAM_BIND must differ from the web server's address.")
    ensure_free(stream_host, stream_port)
    # Browsers reach a wildcard address by the site's own host name (cookies are per host).
    public_host = stream_host
    if stream_host in WILDCARD_HOSTS:
        public_host = urlsplit(str(settings.SITE_URL)).hostname or "127.0.0.1"
    web_host = public_host if host in WILDCARD_HOSTS else host
    address = f"http://{_url_host(public_host)}:{stream_port}/"
    stream_url = env.string("NOTIFICATIONS_STREAM_URL") or f"{address}notifications/stream/"
    web_origin = f"http://{_url_host(web_host)}:{port}"
    child_env = {**os.environ, "NOTIFICATIONS_WEB_ORIGIN": web_origin}
    child = Child("stream server", stream_argv(stream_host, stream_port), env=child_env)
    return address, child, {**os.environ, "NOTIFICATIONS_STREAM_URL": stream_url}


def example_child(env: Env) -> tuple[str, Child]:
    """The example relying party (examples/meeting_rooms), told where VCNET and its secret are."""
    port = env.integer("MEETING_ROOMS_PORT", 8001, minimum=1)
    host = env.string("MEETING_ROOMS_HOST", "127.0.0.1")
    env_file = Path(settings.EXAMPLES_DIR) / "meeting_rooms.env"
    if not env.string("MEETING_ROOMS_CLIENT_SECRET") and not env_file.exists():
        raise CommandError(
            f"The example application is not registered yet ({env_file} is missing): "
            "run `vcnet seed --demo` first."
        )
    ensure_free(host, port)
    child_env = {
        **os.environ,
        "VCNET_VAR_DIR": str(settings.VAR_DIR),
        "MEETING_ROOMS_ENV_FILE": str(env_file),
        "MEETING_ROOMS_ISSUER": env.string("MEETING_ROOMS_ISSUER", settings.SITE_URL),
    }
    argv = [sys.executable, "-m", "examples.meeting_rooms"]
    child = Child("example application", argv, cwd=Path(settings.BASE_DIR), env=child_env)
    return f"http://{host}:{port}/", child


class Command(BaseCommand):
    help = (
        "Serve VCNET: granian (WSGI), the ASGI stream server and the background worker; "
        "Ctrl-C stops them all."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind", help="HOST:PORT to listen on (default: $VCNET_BIND or 127.0.0.1:8000)."
        )
        parser.add_argument(
            "--workers", type=int, help="web worker processes (default: $WEB_WORKERS or 2)."
        )
        parser.add_argument(
            "--threads",
            type=int,
            help="blocking threads per web worker (default: $WEB_THREADS or 4).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="serve the web only; run the background worker elsewhere.",
        )
        parser.add_argument(
            "--no-stream",
            action="store_true",
            help="no ASGI stream server: live notifications use the web server "
            "(short streams, one thread each).",
        )
        parser.add_argument(
            "--example",
            action="store_true",
            help="also serve the example application of examples/meeting_rooms "
            "(default: $VCNET_EXAMPLES).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        env = Env()
        host, port = parse_bind(options["bind"] or env.string("VCNET_BIND", "127.0.0.1:8000"))
        workers = options["workers"]
        if workers is None:
            workers = env.integer("WEB_WORKERS", 2, minimum=1)
        threads = options["threads"]
        if threads is None:
            threads = env.integer("WEB_THREADS", 4, minimum=1)
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")

        ensure_free(host, port)
        web = Child("web server", web_argv(host, port, workers, threads))
        children = [web]
        stream_text = ""
        if not options["no_stream"]:
            address, stream, web.env = stream_children(env, host, port)
            children.append(stream)
            stream_text = f" Live notifications stream from {address} (granian ASGI)."
        worker_text = "no background worker"
        if not options["no_worker"]:
            worker_text, argv = worker_argv()
            children.append(Child("background worker", argv))
            for queue in own_worker_queues():
                text, argv = worker_argv(queue)
                count = queue_workers(queue)
                children.extend(Child("background worker", argv) for _ in range(count))
                worker_text += f"; {text}" + (f" x {count}" if count > 1 else "")
            children.append(Child("clock", [sys.executable, "-m", "vcnet", "clock"]))
            worker_text += "; clock of periodic tasks"
        example_text = ""
        if options["example"] or env.boolean("VCNET_EXAMPLES", default=False):
            address, child = example_child(env)
            children.append(child)
            example_text = f" The example application (Đặt phòng họp) serves {address}."

        shown_host = _url_host(host)
        self.stdout.write(
            f"VCNET serves http://{shown_host}:{port}/ (granian WSGI, {workers} workers x "
            f"{threads} threads; {worker_text}).{stream_text}{example_text} Press Ctrl-C to stop."
        )
        self.stdout.flush()
        code = Supervisor(children, self.stderr.write).run()
        if code:
            raise SystemExit(code)


class Supervisor:
    """Starts the children, waits for a stop signal or a death, then stops them all."""

    def __init__(self, children: list[Child], report: Callable[[str], object]) -> None:
        self.children = children
        self.report = report
        self.signals: list[float] = []  # when each stop signal arrived

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self.signals and now - self.signals[-1] > 1.0:
            # A second Ctrl-C: stop waiting for a graceful shutdown. (One within a second is
            # the same keypress reaching us twice, through the terminal and a parent like make.)
            self._kill_all()
        self.signals.append(now)

    def run(self) -> int:
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            return self._run()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _run(self) -> int:
        for child in self.children:
            if self.signals:
                return 0
            # Each child leads its own process group: the terminal's Ctrl-C reaches only this
            # supervisor, which then stops the children once and in order.
            child.process = subprocess.Popen(  # noqa: S603
                child.argv, process_group=0, cwd=child.cwd, env=child.env
            )
        while not self.signals:
            for child in self.children:
                assert child.process is not None  # noqa: S101
                code = child.process.poll()
                if code is not None:
                    self.report(
                        f"vcnet serve: the {child.role} exited unexpectedly (status {code}); "
                        "stopping everything."
                    )
                    return 1
            time.sleep(POLL_INTERVAL)
        return 0

    def _stop_all(self) -> None:
        for child in self.children:
            if child.process is not None and child.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.report(f"vcnet serve: the {child.role} did not stop in time; killing it.")
        self._kill_all()

    def _kill_all(self) -> None:
        """SIGKILL whatever is left in the children's process groups (granian's workers too)."""
        for child in self.children:
            if child.process is None:
                continue
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=STOP_TIMEOUT)
