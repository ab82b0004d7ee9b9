"""Benchmark: the tracking endpoint's throughput as a ratio of a trivial endpoint.

Starts a real gunicorn (the project's WSGI app plus one trivial view) on a bench
PostgreSQL database and the local Redis, loads both endpoints with `wrk` in the same
run: POST /api/v1/track/ with the page's signed grant (what the recording player
sends: no session read, no database) and with a logged-in learner's session and CSRF
token instead, one resource view per request with a unique idempotency key. Prints
requests/s for each and their ratio to the trivial endpoint (target >= 0.6).

    .venv/bin/python -m bench.bench_tracking [--seconds 10] [--connections 16]
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "learning_bench_tracking"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
STREAM_KEY = "records:bench:events"
ENVIRONMENT = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "learning.settings.test",
    "DATABASE_URL": DATABASE_URL,
    "RECORDS_STREAM_KEY": STREAM_KEY,
    "CELERY_QUEUE": "bench",
    "PYTHONPATH": str(ROOT),
}

# --- the WSGI app gunicorn serves: the project, plus a trivial view ---------------

if os.environ.get("BENCH_TRACKING_SERVER") == "1":
    from django.core.wsgi import get_wsgi_application
    from django.http import HttpResponse
    from django.urls import path

    def trivial(request):
        return HttpResponse(b"ok", content_type="text/plain")

    def _urlpatterns():
        from learning.urls import urlpatterns as site

        return [path("bench/trivial/", trivial), *site]

    application = get_wsgi_application()
    from django.conf import settings as _settings

    _settings.ROOT_URLCONF = "bench.bench_tracking"
    urlpatterns = _urlpatterns()

LOGIN_SCRIPT = """
import django, secrets
django.setup()
from django.contrib.auth import get_user_model
from django.conf import settings
from importlib import import_module
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
from learning.accounts.models import Profile
user, _ = get_user_model().objects.get_or_create(username="bench-learner")
Profile.objects.update_or_create(user=user, defaults=dict(
    full_name="Bench Learner", country="KE", organisation="Police",
    sector="law-enforcement", professional_role="Investigator",
    gender="female", preferred_language="en"))
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
# A private room the learner belongs to, with one resource: the tracking endpoint
# checks access to every object it records.
from wagtail.models import Page
from irooms.models import Membership, Resource, RoomIndexPage, RoomPage
room = RoomPage.objects.filter(slug="bench-room").first()
if room is None:
    index = RoomIndexPage.objects.first() or Page.objects.filter(depth=2).first(
        ).add_child(instance=RoomIndexPage(title="Rooms", slug="bench-rooms"))
    room = index.add_child(instance=RoomPage(
        title="Bench room", slug="bench-room", join_policy="invitation"))
resource = Resource.objects.filter(title="Bench manual").first()
if resource is None:
    resource = Resource.objects.create(title="Bench manual", resource_type="manual")
    resource.rooms.add(room)
    resource.save()
Membership.objects.get_or_create(room=room, user=user, defaults=dict(
    role="participant", status="active"))
from learning.records.api import tracking_grant
grant = tracking_grant(user=user, object_type="irooms.resource", object_id=resource.pk)
print(session.session_key, secrets.token_hex(16), resource.pk, room.pk, grant)
"""

WRK_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "sessionid=%(session)s; csrftoken=%(csrf)s"
wrk.headers["X-CSRFToken"] = "%(csrf)s"
wrk.headers["Referer"] = "http://127.0.0.1:%(port)s/"
%(grant_header)s
local counter = 0
local prefix = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local body = '{"type":"resource_viewed","object_id":"%(resource)s",' ..
    '"room":"%(room)s",' ..
    '"idempotency_key":"bench-' .. prefix .. '-' .. counter .. '"}'
  return wrk.format(nil, nil, nil, body)
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*command, **kwargs) -> str:
    return subprocess.run(
        command, check=True, capture_output=True, text=True, env=ENVIRONMENT, **kwargs
    ).stdout


def prepare_database() -> tuple[str, str, str, str, str]:
    exists = run(
        "psql",
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-Atc",
        f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
    )
    if not exists.strip():
        run("createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE)
    run(sys.executable, "manage.py", "migrate", "--noinput", cwd=ROOT)
    return tuple(run(sys.executable, "-c", LOGIN_SCRIPT, cwd=ROOT).split())


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if "Requests/sec:      0.00" in output or errors:
        raise SystemExit(f"{url}: errors or no answers\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def wait_for_workers(base: str, workers: int) -> None:
    """Every worker has loaded Django once it answers; give each a few tries."""
    import urllib.request

    deadline = time.monotonic() + 120
    answered = 0
    while answered < workers * 4:
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn workers did not answer")
        try:
            with urllib.request.urlopen(f"{base}/bench/trivial/", timeout=30):
                answered += 1
        except OSError:
            time.sleep(0.5)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    options = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    session, csrf, resource, room, grant = prepare_database()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.bench_tracking:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**ENVIRONMENT, "BENCH_TRACKING_SERVER": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        scripts = {}
        for route, header in (
            ("grant", f'wrk.headers["X-Tracking-Grant"] = "{grant}"'),
            ("session", ""),
        ):
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
                lua.write(
                    WRK_POST
                    % {
                        "session": session if route == "session" else "none",
                        "csrf": csrf,
                        "port": port,
                        "resource": resource,
                        "room": room,
                        "grant_header": header,
                    }
                )
            scripts[route] = lua.name
        wait_for_workers(base, options.workers)
        track = f"{base}/api/v1/track/"
        # Warm up each, then measure in turn.
        wrk(f"{base}/bench/trivial/", 2, options.connections)
        for script in scripts.values():
            wrk(track, 2, options.connections, script)
        trivial = wrk(f"{base}/bench/trivial/", options.seconds, options.connections)
        granted = wrk(track, options.seconds, options.connections, scripts["grant"])
        with_session = wrk(
            track, options.seconds, options.connections, scripts["session"]
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/3").delete(STREAM_KEY)
    print(
        f"gunicorn sync workers={options.workers}, wrk -t2 "
        f"-c{options.connections} -d{options.seconds}s, 2 cores shared with wrk"
    )
    print(f"trivial endpoint        {trivial:10.0f} requests/s")
    print(f"tracking, page's grant  {granted:10.0f} requests/s (the player's route)")
    print(f"tracking, session       {with_session:10.0f} requests/s (no grant)")
    print(f"ratio, grant            {granted / trivial:10.2f} (target >= 0.6)")
    print(f"ratio, session          {with_session / trivial:10.2f}")


if __name__ == "__main__":
    main()
