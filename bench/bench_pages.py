"""Benchmark: key pages' requests/s as a share of a bare Django view, and their queries.

Builds a throw-away PostgreSQL database (all migrations) with realistic data made by
the apps' own factories and services: a room with 1,000 resources, 200 members and
500 discussion threads; three courses (the first with 30 lessons, 1,000 learners);
a room webinar with a recording. A practitioner member, half-way through the course,
is logged in by a session created server-side. Then it starts gunicorn (production
settings, DEBUG off: `bench.settings`) and loads, in turn, with concurrent threads:
the bare view (/bench/bare/, anonymous), the room home, a lesson, the recording
player and "my learning". It prints requests/s for each, its ratio to the bare view
(the platform standard: >= 1/20 = 0.05), and the database queries of each page
(counted once, in-process, with Django's test client on the same database; the
standard: <= 20).

    .venv/bin/python -m bench.bench_pages [--seconds 5] [--clients 4] [--workers 2]
                                          [--strict]  (exit 1 when a target is missed)
"""

import argparse
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta

from bench.common import (
    database_create,
    database_drop,
    django_setup,
    gunicorn_serving,
    requests_per_second,
    schema_create,
    server_environment,
)

TARGET_RATIO = 1 / 20
MAX_QUERIES = 20
RESOURCES, MEMBERS, THREADS = 1_000, 200, 500
LESSONS, LEARNERS, COURSES = 30, 1_000, 3


@dataclass
class Page:
    name: str
    path: str
    marker: bytes  # proof in the HTML that the page is the real one, not a gate


def room_grow(room, *, resources: int, members: int, threads: int) -> None:
    """Fill a room in bulk, as a busy room would be (tests/irooms/test_room_home)."""
    from irooms.models import Membership, MembershipStatus, Resource, Thread
    from tests.factories import UserFactory
    from tests.irooms.factories import session_create

    created = Resource.objects.bulk_create(
        Resource(title=f"Resource {n}", resource_type="manual", languages=["en"])
        for n in range(resources)
    )
    Resource.rooms.through.objects.bulk_create(
        Resource.rooms.through(resource_id=resource.pk, roompage_id=room.pk)
        for resource in created
    )
    users = UserFactory.create_batch(members, password=None)  # no hashing: fast
    Membership.objects.bulk_create(
        Membership(room=room, user=user, status=MembershipStatus.ACTIVE)
        for user in users
    )
    Thread.objects.bulk_create(
        Thread(room=room, author=users[n % members], title=f"T{n}", body="<p>b</p>")
        for n in range(threads)
    )
    session_create(room=room)


def crowd_enrol(*, tree, count: int) -> None:
    """`count` other learners on the course, each with its first lesson done."""
    from django.contrib.auth import get_user_model

    from courses.models import Enrolment, LessonCompletion

    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        user_model(username=f"crowd-{n}", email=f"crowd-{n}@example.org")
        for n in range(count)
    )
    course = tree.course
    Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            course_key=course.translation_key,
            language="en",
            source="bulk",
            course=course,
        )
        for user in users
    )
    LessonCompletion.objects.bulk_create(
        LessonCompletion(
            user=user,
            course_key=course.translation_key,
            lesson_key=tree.lessons[0].translation_key,
            language="en",
        )
        for user in users
    )


def data_build() -> tuple[object, list[Page]]:
    """The room, courses and webinar; (the member who reads them, the key pages)."""
    from django.urls import reverse

    from courses.services import enrolment_create, lesson_completion_submit
    from tests.courses.factories import course_build
    from tests.irooms.factories import member_add, practitioner, room_create
    from tests.webinars.factories import recording_build, series_build, webinar_build

    room = room_create(title="Cross-border investigations")
    room_grow(room, resources=RESOURCES, members=MEMBERS, threads=THREADS)
    reader = practitioner()
    member_add(room=room, user=reader)  # a participant: no MFA gate

    trees = [
        course_build(title=f"Course {n}", lessons=LESSONS, modules=3, rooms=[room])
        for n in range(COURSES)
    ]
    crowd_enrol(tree=trees[0], count=LEARNERS)
    for tree in trees:
        enrolment_create(user=reader, course=tree.course)
        for lesson in tree.lessons[: LESSONS // 2]:
            lesson_completion_submit(user=reader, lesson=lesson)

    series = series_build(rooms=[room])
    webinar = webinar_build(series=series, starts_in=-timedelta(days=7))
    recording = recording_build(webinar=webinar)
    lesson = trees[0].lessons[LESSONS // 2]
    pages = [
        Page("room home", room.url, b"Resource 999"),
        Page("lesson", lesson.url, lesson.title.encode()),
        Page(
            "recording player",
            reverse("webinars:recording_player", args=[recording.pk]),
            recording.title.encode(),
        ),
        Page("my learning", reverse("courses:my_learning"), b"Course 2"),
    ]
    return reader, pages


def session_for(user) -> str:
    """A logged-in session, created server-side as a log-in would; its key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def queries_count(session_key: str, pages: list[Page]) -> dict[str, int]:
    """Each page's database queries for the logged-in member, once warm."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies["sessionid"] = session_key
    counts = {}
    for page in pages:
        warm = client.get(page.path)  # per-process caches (site root paths...)
        if warm.status_code != 200 or page.marker not in warm.content:
            raise SystemExit(f"{page.name} ({page.path}): {warm.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(page.path)
        counts[page.name] = len(queries)
    return counts


def redis_clean(queue: str, cache_prefix: str) -> None:
    """Remove what the run left in Redis: its event stream, tasks and cache keys."""
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.RECORDS_STREAM_URL).delete(
        settings.RECORDS_STREAM_KEY
    )
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
    cache = redis.Redis.from_url(settings.CACHE_URL)
    for key in cache.scan_iter(f"{cache_prefix}:*"):
        cache.delete(key)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a page misses a target"
    )
    options = parser.parse_args(argv)

    name = f"bench_pages_{os.getpid()}"
    queue = cache_prefix = f"bench-pages-{os.getpid()}"
    files = tempfile.mkdtemp(prefix="bench-pages-")
    database = database_create(name)
    try:
        django_setup(
            settings="bench.settings",
            database=database,
            CELERY_QUEUE=queue,
            CACHE_KEY_PREFIX=cache_prefix,
            PRIVATE_MEDIA_ROOT=f"{files}/private",
            MEDIA_ROOT=f"{files}/media",
            STATIC_ROOT=files,  # no collectstatic: an empty one keeps WhiteNoise quiet
            LOG_LEVEL="WARNING",  # Wagtail logs every page it creates
        )
        try:
            started = time.perf_counter()
            schema_create(migrations=True)
            migrated = time.perf_counter()
            reader, pages = data_build()
            built = time.perf_counter()
            print(
                f"migrated in {migrated - started:.0f} s, "
                f"data built in {built - migrated:.0f} s",
                flush=True,
            )
            session_key = session_for(reader)
            queries = queries_count(session_key, pages)
            from django.db import connections

            connections.close_all()
            figures = serve_and_measure(options, session_key, pages)
        finally:
            redis_clean(queue, cache_prefix)
    finally:
        database_drop(name)
        shutil.rmtree(files, ignore_errors=True)
    missed = report(options, figures, queries)
    if missed and options.strict:
        raise SystemExit(1)


def serve_and_measure(options, session_key: str, pages: list[Page]) -> dict:
    """Requests/s of the bare view (before and after the pages) and of each page."""
    member = {"Cookie": f"sessionid={session_key}"}

    def get(path: str, headers: dict):
        return lambda: ("GET", path, None, headers)

    with gunicorn_serving(
        application="learning.wsgi:application",
        workers=options.workers,
        environment=server_environment(),
    ) as (port, _server):

        def load(path: str, headers: dict, seconds: float) -> float:
            return requests_per_second(
                port,
                get(path, headers),
                seconds=seconds,
                clients=options.clients,
                expected_status=200,
            )

        # Warm every worker on every page (imports, connections, caches).
        load("/bench/bare/", {}, 1)
        for page in pages:
            load(page.path, member, 1)
        figures = {"bare (before)": load("/bench/bare/", {}, options.seconds)}
        for page in pages:
            figures[page.name] = load(page.path, member, options.seconds)
        figures["bare (after)"] = load("/bench/bare/", {}, options.seconds)
    return figures


def report(options, figures: dict, queries: dict) -> list[str]:
    """Print the table; return the targets missed."""
    bare = (figures.pop("bare (before)") + figures.pop("bare (after)")) / 2
    print(
        f"gunicorn {options.workers} sync workers, {options.clients} client threads, "
        f"{options.seconds:g} s per page; room: {RESOURCES:,} resources, "
        f"{MEMBERS} members, {THREADS} threads; course: {LESSONS} lessons, "
        f"{LEARNERS:,} learners"
    )
    print(f"{'page':<18} {'requests/s':>10} {'ratio':>7} {'queries':>8}")
    print(f"{'bare Django view':<18} {bare:10.1f} {1:7.3f} {0:8d}")
    missed = []
    for name, rate in figures.items():
        ratio = rate / bare
        flags = []
        if ratio < TARGET_RATIO:
            flags.append("below 1/20")
        if queries[name] > MAX_QUERIES:
            flags.append(f"over {MAX_QUERIES} queries")
        missed += [f"{name}: {flag}" for flag in flags]
        note = f"  <- {', '.join(flags)}" if flags else ""
        print(f"{name:<18} {rate:10.1f} {ratio:7.3f} {queries[name]:8d}{note}")
    print(f"target: ratio >= {TARGET_RATIO:.2f} (1/20), queries <= {MAX_QUERIES}")
    if missed:
        print("MISSED: " + "; ".join(missed))
    return missed


if __name__ == "__main__":
    main()
