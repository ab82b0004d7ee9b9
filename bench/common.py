"""What the benchmarks share: a throw-away database, a real gunicorn, a load client.

A benchmark creates its own PostgreSQL database (`database_create`), sets Django up
on it in its own process (`django_setup`, `schema_create`), starts gunicorn on it
(`gunicorn_serving`), loads it with threads (`requests_per_second`) and drops the
database at the end (`database_drop`), whatever happened.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_DATABASE = "postgresql://postgres@127.0.0.1:5432/postgres"


def database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_create(name: str) -> str:
    """Create an empty database called `name`; return its URL."""
    import psycopg

    with psycopg.connect(SERVER_DATABASE, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def database_drop(name: str) -> None:
    import psycopg

    with psycopg.connect(SERVER_DATABASE, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_setup(
    *, settings: str = "learning.settings.test", database: str, **environment: str
) -> None:
    """Set Django up in this process on `database` (a URL), with more variables."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE=settings, DATABASE_URL=database, **environment
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def schema_create(*, migrations: bool = True) -> None:
    """Create the tables: by the migrations (their data too), or straight from models.

    Without migrations it is faster (as pytest --nomigrations), for a benchmark that
    needs the schema only, not the rows the data migrations add.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    if not migrations:

        class NoMigrations(dict):
            def __contains__(self, item):
                return True

            def __getitem__(self, item):
                return None

        settings.MIGRATION_MODULES = NoMigrations()
    call_command("migrate", run_syncdb=not migrations, verbosity=0)
    connections.close_all()


def server_environment(**variables: str) -> dict[str, str]:
    """This process's environment (Django's variables included) plus `variables`."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **variables}


@contextmanager
def gunicorn_serving(
    *,
    application: str = "learning.wsgi:application",
    workers: int = 2,
    environment: dict[str, str] | None = None,
    arguments: tuple[str, ...] = (),
    start_timeout: float = 60,
) -> Iterator[tuple[int, subprocess.Popen]]:
    """Run gunicorn (sync workers) on a free port; yield (port, process).

    Waits until the port accepts connections; stops the server on the way out.
    """
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            application,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            *arguments,
        ],
        cwd=ROOT,
        env=environment if environment is not None else server_environment(),
    )
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


Request = tuple[str, str, bytes | str | None, dict[str, str]]


def requests_per_second(
    port: int,
    make_request: Callable[[], Request],
    *,
    seconds: float,
    clients: int,
    expected_status: int | None = None,
) -> float:
    """Requests per second over `seconds`, from `clients` threads.

    Each thread keeps its connection open while the server does (gunicorn's sync
    workers close it after each answer, and http.client then reconnects).
    `make_request()` returns (method, path, body, headers). A status of 300 or more
    (or other than `expected_status`) stops the run with an error.
    """
    counts = [0] * clients
    failures = []
    deadline = time.monotonic() + seconds

    def run(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.monotonic() < deadline:
                method, path, body, headers = make_request()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                wrong = (
                    response.status != expected_status
                    if expected_status is not None
                    else response.status >= 300
                )
                if wrong:
                    failures.append((path, response.status))
                    return
                counts[index] += 1
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"requests failed (path, status): {failures[:5]}")
    return sum(counts) / (time.monotonic() - started)
