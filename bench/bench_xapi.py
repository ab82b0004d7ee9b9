"""Benchmark: xAPI statement ingestion against a trivial endpoint of the same server.

Starts a real gunicorn on a throw-away PostgreSQL database, then measures, in the
same run: GET /xapi/about (no database, no authentication: the trivial endpoint),
POST /xapi/statements with 1 statement, and with 100 statements. It prints
statements per second and each figure as a ratio of the trivial endpoint's
requests per second, so the numbers compare across machines.

    .venv/bin/python bench/bench_xapi.py [--seconds 5] [--clients 4] [--workers 2]
"""

import argparse
import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = f"bench_xapi_{os.getpid()}"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database() -> tuple[str, str]:
    """Create the database and its tables from the models; issue a client."""
    import psycopg

    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "learning.settings.test"
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()

    class NoMigrations(dict):
        # Tables straight from the models, as pytest --nomigrations does: the
        # benchmark needs the schema, not the migration history.
        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from xapi.services import client_issue

    client, secret = client_issue(name="bench", scope="read_write")
    token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    from django.db import connections

    connections.close_all()
    return token, DATABASE_URL


def drop_database() -> None:
    import psycopg

    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def statement() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.org"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed"},
        },
        "object": {
            "id": "https://learning.example.org/courses/ct-101",
            "definition": {"name": {"en-US": "Counter-terrorism 101"}},
        },
        "context": {"registration": str(uuid.uuid4())},
    }


def measure(port: int, make_request, *, seconds: float, clients: int) -> float:
    """Requests per second over `seconds` with `clients` threads."""
    counts = [0] * clients
    failures = []
    deadline = time.monotonic() + seconds

    def run(index: int) -> None:
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            method, path, body, headers = make_request()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status >= 300:
                failures.append(response.status)
                return
            counts[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"requests failed with status {failures[:5]}")
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    token, database_url = prepare_database()
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learning.settings.test",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "learning.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        headers = {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        }

        def about():
            return "GET", "/xapi/about", None, {"X-Experience-API-Version": "1.0.3"}

        def batch(size: int):
            def request():
                body = [statement() for _ in range(size)]
                return "POST", "/xapi/statements", json.dumps(body), headers

            return request

        # Warm up each worker (imports, connections, the credential cache).
        measure(port, about, seconds=1, clients=options.clients)
        measure(port, batch(1), seconds=1, clients=options.clients)
        trivial = measure(port, about, seconds=options.seconds, clients=options.clients)
        single = measure(
            port, batch(1), seconds=options.seconds, clients=options.clients
        )
        hundred = measure(
            port, batch(100), seconds=options.seconds, clients=options.clients
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        drop_database()

    print(f"trivial endpoint (GET /xapi/about): {trivial:8.1f} requests/s")
    print(
        f"batch of 1:   {single:8.1f} statements/s  "
        f"ratio to trivial {single / trivial:.3f} (requests), "
        f"{single / trivial:.3f} (statements)"
    )
    print(
        f"batch of 100: {hundred * 100:8.1f} statements/s  "
        f"ratio to trivial {hundred / trivial:.3f} (requests), "
        f"{hundred * 100 / trivial:.3f} (statements)"
    )


if __name__ == "__main__":
    main()
