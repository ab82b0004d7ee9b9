"""Benchmark: memory of the server process while it serves a 1 GB recording.

Starts a real gunicorn (one sync worker) on a throw-away PostgreSQL database, with a
1 GB recording of a public webinar, then fetches it whole (player stream and
download) and by many ranges, reading every byte. It prints the peak growth of the
worker's resident memory (VmHWM after resetting it, minus the RSS at the reset); the
target is under 50 MB.

    .venv/bin/python -m bench.bench_recording_memory [--size-mb 1024] [--ranges 200]
"""

import argparse
import http.client
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import (
    database_create,
    database_drop,
    django_setup,
    gunicorn_serving,
    schema_create,
    server_environment,
)

DATABASE = f"bench_recording_{os.getpid()}"
TARGET_MB = 50


def prepare(private_root: Path, size: int) -> int:
    """Create the database, a public webinar and its recording; return its id."""
    django_setup(
        database=database_create(DATABASE), PRIVATE_MEDIA_ROOT=str(private_root)
    )
    schema_create(migrations=False)  # the schema only: no migration data needed
    from django.db import connections
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from webinars.models import (
        Recording,
        RecordingStatus,
        WebinarIndexPage,
        WebinarPage,
        WebinarSeriesPage,
    )

    Locale.objects.get_or_create(language_code="en")
    root = Page.add_root(instance=Page(title="Root", slug="root"))
    index = root.add_child(instance=WebinarIndexPage(title="Webinars", slug="w"))
    series = index.add_child(
        instance=WebinarSeriesPage(title="Series", slug="s", is_public=True)
    )
    webinar = series.add_child(
        instance=WebinarPage(
            title="Webinar",
            slug="webinar",
            delivery_language="en",
            starts_at=timezone.now(),
        )
    )
    name = "webinars/recordings/bench.webm"
    path = private_root / name
    path.parent.mkdir(parents=True)
    with open(path, "wb") as stream:
        stream.truncate(size)  # sparse: no need to write a gigabyte first
    recording = Recording.objects.create(
        webinar=webinar,
        title="Bench",
        file=name,
        size=size,
        received_bytes=size,
        content_type="video/webm",
        status=RecordingStatus.READY,
    )
    connections.close_all()
    return recording.pk


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {field} for process {pid}")


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("no gunicorn worker")


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, int]:
    """GET and read the body in 1 MB pieces; (status, bytes read)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    total = 0
    while piece := response.read(1024 * 1024):
        total += len(piece)
    connection.close()
    return response.status, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--ranges", type=int, default=200)
    options = parser.parse_args()
    size = options.size_mb * 1024 * 1024

    private_root = Path(tempfile.mkdtemp(prefix="bench-recordings-"))
    try:
        recording_id = prepare(private_root, size)
        stream = f"/en/webinars/recordings/{recording_id}/stream/"
        download = f"/en/webinars/recordings/{recording_id}/download/"
        environment = server_environment(PROTECTED_FILE_SERVING="django")
        with gunicorn_serving(
            workers=1, environment=environment, arguments=("--timeout", "300")
        ) as (port, server):
            pid = worker_pid(server.pid)
            # Warm up (imports, database connection), then reset the peak counter.
            status, _ = fetch(port, stream, {"Range": "bytes=0-1048575"})
            if status != 206:
                raise SystemExit(f"warm-up answered {status}")
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            baseline_kb = status_kb(pid, "VmRSS")
            started = time.monotonic()
            results = [fetch(port, stream), fetch(port, download)]
            randomness = random.Random(1)
            for _ in range(options.ranges):
                first = randomness.randrange(0, size - 1)
                last = min(first + randomness.randrange(1, 16 * 1024 * 1024), size - 1)
                results.append(fetch(port, stream, {"Range": f"bytes={first}-{last}"}))
            results.append(fetch(port, stream, {"Range": f"bytes={size // 2}-"}))
            elapsed = time.monotonic() - started
            peak_kb = status_kb(pid, "VmHWM")
    finally:
        database_drop(DATABASE)
        shutil.rmtree(private_root, ignore_errors=True)

    whole = [status for status, _ in results[:2]]
    ranged = {status for status, _ in results[2:]}
    if whole != [200, 200] or ranged != {206}:
        raise SystemExit(f"unexpected statuses: whole {whole}, ranges {ranged}")
    if results[0][1] != size or results[1][1] != size:
        raise SystemExit("a whole-file response was short")
    served_mb = sum(length for _, length in results) / 1024 / 1024
    growth_mb = (peak_kb - baseline_kb) / 1024
    print(f"recording size:            {options.size_mb} MB")
    print(f"served:                    {served_mb:.0f} MB in {len(results)} requests")
    print(f"                           ({served_mb / elapsed:.0f} MB/s)")
    print(f"worker RSS at start:       {baseline_kb / 1024:.1f} MB")
    print(f"worker peak RSS growth:    {growth_mb:.1f} MB (target < {TARGET_MB} MB)")
    if growth_mb >= TARGET_MB:
        raise SystemExit("FAIL: memory grew beyond the target")


if __name__ == "__main__":
    main()
