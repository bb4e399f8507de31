"""`vcnet serve` for real: granian and the database worker as child processes in a temp var dir.

These run on SQLite in the temp dir even when the suite runs on PostgreSQL/Redis: the child's
environment drops DATABASE_URL and REDIS_URL, so the served instance is the embedded one.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management.base import CommandError

CONFIG_VARS = {
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "EMAIL_URL",
    "VCNET_TESTING",
    "VCNET_VAR_DIR",
    "VCNET_BIND",
    "WEB_WORKERS",
    "WEB_THREADS",
    "VCNET_STREAM_BIND",
    "NOTIFICATIONS_STREAM_URL",
    "NOTIFICATIONS_WEB_ORIGIN",
    "PYTEST_XDIST_WORKER",
    "DJANGO_SETTINGS_MODULE",
}
VCNET = [sys.executable, "-m", "vcnet"]
START_TIMEOUT = 45.0  # generous: CI runs this beside another test worker on two cores
STOP_TIMEOUT = 15.0


def child_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in CONFIG_VARS}
    env.update({"VCNET_VAR_DIR": str(var_dir), "VCNET_TESTING": "0", **extra})
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def descendants(pid: int) -> set[int]:
    """Every live process below `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rpartition(")")[2].split()
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    """The pids that still run (zombies waiting for their parent count as gone)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def get(url: str, *, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated instance with collected static files, as `make run` prepares it."""
    path = tmp_path_factory.mktemp("var")
    env = child_env(path)
    steps = [
        subprocess.Popen([*VCNET, "migrate", "--noinput", "-v", "0"], env=env),
        subprocess.Popen([*VCNET, "collectstatic", "--noinput", "-v", "0"], env=env),
    ]
    assert [step.wait(timeout=120) for step in steps] == [0, 0]
    return path


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Starts `vcnet serve` processes; whatever a failing test leaves running is killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        leftovers = descendants(process.pid)
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in alive(leftovers):
            os.kill(pid, signal.SIGKILL)


def start(
    serve: list[subprocess.Popen[bytes]], var_dir: Path, log: Path, *args: str
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*VCNET, "serve", *args],
            env=child_env(var_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    serve.append(process)
    return process


def wait_until_healthy(process: subprocess.Popen[bytes], base: str, log: Path) -> dict:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            status, body = get(f"{base}/healthz")
        except OSError:  # not listening yet
            time.sleep(0.1)
            continue
        if status == 200:
            return dict(json.loads(body))
        time.sleep(0.1)
    pytest.fail(f"/healthz did not answer 200 within {START_TIMEOUT} s:\n{log.read_text()}")


def wait_for_exit(process: subprocess.Popen[bytes], children: set[int]) -> int:
    code = process.wait(timeout=STOP_TIMEOUT)
    deadline = time.monotonic() + 5
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(children) == set(), "every child process has exited"
    return code


def test_serve_runs_web_and_worker_and_stops_on_ctrl_c(
    var_dir: Path, tmp_path: Path, serve: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    process = start(serve, var_dir, log, "--bind", f"127.0.0.1:{port}")

    health = wait_until_healthy(process, base, log)

    assert health["status"] == "ok"
    assert health["checks"]["tasks"]["backend"] == "database"
    assert health["checks"]["database"]["vendor"] == "sqlite"
    # The first page loads and compiles templates: slow beside another test worker on 2 cores.
    status, page = get(f"{base}/", timeout=START_TIMEOUT)
    assert status == 200
    assert b"<html" in page.lower()
    assert log.read_text().splitlines()[0].startswith(f"VCNET serves {base}/ ")
    # The ASGI stream server (two ports up) answers the live stream: 204 for anonymous visitors.
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            stream_status = get(f"http://127.0.0.1:{port + 2}/notifications/stream/")[0]
            break
        except OSError:  # not listening yet
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    assert stream_status == 204
    assert f"stream from http://127.0.0.1:{port + 2}/" in log.read_text()

    # A task enqueued through the database is picked up by the worker that serve started.
    enqueue = subprocess.run(
        [
            *VCNET,
            "shell",
            "-c",
            "from vcnet.core.tasks import send_email\n"
            "r = send_email.enqueue(to=['congdan@example.vn'], subject='Lịch tiếp công dân',"
            " body='Tiếp công dân vào thứ Năm.')\n"
            "print(r.id)",
        ],
        env=child_env(var_dir),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    task_id = uuid.UUID(enqueue.stdout.strip().splitlines()[-1]).hex
    deadline = time.monotonic() + 10
    with sqlite3.connect(var_dir / "vcnet.sqlite3") as db:
        while True:
            (status_text,) = db.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?", (task_id,)
            ).fetchone()
            if status_text == "SUCCESSFUL" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    assert status_text == "SUCCESSFUL", log.read_text()
    assert "To: congdan@example.vn" in log.read_text()  # the console mail backend's output

    children = descendants(process.pid)
    assert len(children) >= 6, "granian, its 2 workers, the stream server and the task worker"
    process.send_signal(signal.SIGINT)  # what Ctrl-C does

    assert wait_for_exit(process, children) == 0


def test_serve_stops_the_web_server_when_the_worker_dies(
    tmp_path: Path, serve: list[subprocess.Popen[bytes]]
) -> None:
    # A database that was never migrated: the task worker fails on its first query.
    port = free_port()
    log = tmp_path / "serve.log"
    process = start(serve, tmp_path / "var", log, "--bind", f"127.0.0.1:{port}")

    code = process.wait(timeout=START_TIMEOUT)

    assert code == 1
    output = log.read_text()
    assert "vcnet serve: the background worker exited unexpectedly" in output
    assert alive(descendants(process.pid)) == set()
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{port}/healthz")


def test_serve_refuses_an_address_in_use(
    var_dir: Path, tmp_path: Path, serve: list[subprocess.Popen[bytes]]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        log = tmp_path / "serve.log"
        process = start(serve, var_dir, log, "--bind", f"127.0.0.1:{port}")
        code = process.wait(timeout=START_TIMEOUT)

    assert code == 1
    assert f"Cannot listen on 127.0.0.1:{port}: Address already in use." in log.read_text()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--bind", "localhost"], {}, "--bind 'localhost' is not HOST:PORT"),
        ([], {"WEB_WORKERS": "hai"}, "vcnet: configuration error: WEB_WORKERS='hai'"),
        ([], {"VCNET_BIND": "127.0.0.1:80800"}, "is not HOST:PORT"),
        (["--threads", "0"], {}, "--workers and --threads must be at least 1"),
    ],
)
def test_serve_rejects_bad_options(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    result = subprocess.run(
        [*VCNET, "serve", *args],
        env=child_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode in (1, 2)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_runs_the_stream_server_as_an_asgi_child(monkeypatch: pytest.MonkeyPatch) -> None:
    from vcnet.core.env import Env
    from vcnet.core.management.commands.serve import stream_children

    port = free_port()
    monkeypatch.delenv("NOTIFICATIONS_STREAM_URL", raising=False)
    monkeypatch.setenv("VCNET_STREAM_BIND", f"127.0.0.1:{port}")

    address, child, web_env = stream_children(Env(), "127.0.0.1", 8000)

    assert address == f"http://127.0.0.1:{port}/"
    assert child.argv[1:5] == ["-m", "granian", "--interface", "asginl"]
    assert child.argv[-1] == "vcnet.asgi:application"
    assert child.argv[child.argv.index("--port") + 1] == str(port)
    assert child.argv[child.argv.index("--workers") + 1] == "1"
    assert (
        child.env is not None and child.env["NOTIFICATIONS_WEB_ORIGIN"] == "http://127.0.0.1:8000"
    )
    assert web_env["NOTIFICATIONS_STREAM_URL"] == f"http://127.0.0.1:{port}/notifications/stream/"


def test_serve_puts_the_stream_two_ports_above_the_web() -> None:
    from vcnet.core.env import Env
    from vcnet.core.management.commands.serve import stream_children

    port = free_port()
    address, _child, _env = stream_children(Env({}), "127.0.0.1", port - 2)
    assert address == f"http://127.0.0.1:{port}/"
    with pytest.raises(CommandError, match="must differ"):
        stream_children(Env({"VCNET_STREAM_BIND": "127.0.0.1:8000"}), "127.0.0.1", 8000)
