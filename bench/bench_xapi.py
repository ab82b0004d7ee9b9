"""Benchmark: xAPI statement ingestion against a trivial endpoint of the same server.

Starts a real gunicorn on a throw-away PostgreSQL database, then measures, in the
same run: GET /xapi/about (no database, no authentication: the trivial endpoint),
POST /xapi/statements with 1 statement, and with 100 statements. It prints
statements per second and each figure as a ratio of the trivial endpoint's
requests per second, so the numbers compare across machines.

    .venv/bin/python -m bench.bench_xapi [--seconds 5] [--clients 4] [--workers 2]
"""

import argparse
import base64
import json
import os
import uuid

from bench.common import (
    database_create,
    database_drop,
    django_setup,
    gunicorn_serving,
    requests_per_second,
    schema_create,
)

DATABASE = f"bench_xapi_{os.getpid()}"


def prepare_database() -> str:
    """Create the database and its tables from the models; issue a client."""
    django_setup(database=database_create(DATABASE))
    schema_create(migrations=False)
    from django.db import connections

    from xapi.services import client_issue

    client, secret = client_issue(name="bench", scope="read_write")
    connections.close_all()
    return base64.b64encode(f"{client.key}:{secret}".encode()).decode()


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    try:
        token = prepare_database()
        with gunicorn_serving(workers=options.workers) as (port, _server):
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

            def measure(make_request, seconds):
                return requests_per_second(
                    port, make_request, seconds=seconds, clients=options.clients
                )

            # Warm up each worker (imports, connections, the credential cache).
            measure(about, 1)
            measure(batch(1), 1)
            trivial = measure(about, options.seconds)
            single = measure(batch(1), options.seconds)
            hundred = measure(batch(100), options.seconds)
    finally:
        database_drop(DATABASE)

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
