"""Benchmark: the training report's response time with 10,000 and 5,000,000 events.

Fills a bench PostgreSQL database with generated events (INSERT ... SELECT over
generate_series: a realistic mix, mostly playback and views, over one year, 20,000
learners, 90 countries), runs the roll-up, then times GET /api/v1/reports/training/
(token auth, the whole Django stack in-process, median of 7 after one warm-up) for
?year=2025 alone, with one filter, and with filters that combine (REPORTS). Prints
each report's times and their ratio (target <= 3).

    .venv/bin/python -m bench.bench_report [--sizes 10000 5000000]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "learning_bench_report"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
LEARNERS = 20_000
# The reports timed: the year alone, one filter, and filters that combine (year or
# dates with several filters). In the generated data, one event in 70 is from
# Kazakhstan in English, and room 16 holds the completions of "course-16".
REPORTS = {
    "year": {"year": 2025},
    "year + country": {"year": 2025, "country": "KZ"},
    "year + country + language": {"year": 2025, "country": "KZ", "language": "en"},
    "year + room + course": {"year": 2025, "room": "16", "course": "course-16"},
    "dates + room + country + lang": {
        "start": "2025-02-15",
        "end": "2025-11-20",
        "room": "16",
        "country": "KZ",
        "language": "en",
    },
}

GENERATE_EVENTS = """
INSERT INTO records_event (idempotency_key, event_type, actor_id, object_type,
    object_id, occurred_at, recorded_at, language, country, sector, gender, room,
    course, webinar, recording, context, via)
SELECT 'bench-' || i,
       t.event_type,
       %(first_user)s + (i * 7919) %% %(learners)s,
       t.object_type,
       t.object_id,
       timestamptz '2025-01-01' + (i::float / %(size)s) * interval '365 days',
       now(),
       (ARRAY['en','fr','es','ar','ru','zh-hans','pt'])[1 + i %% 7],
       (ARRAY['KE','FR','MX','NG','PH','KZ','TJ','ID','MY','BR'])[1 + i %% 10]
           || '',
       (ARRAY['law-enforcement','prosecution','judiciary','corrections',
              'government-policy','civil-society','private-sector','academia',
              'international-organisation','other'])[1 + (i / 7) %% 10],
       (ARRAY['female','male','another','prefer-not-to-say'])[1 + (i / 3) %% 4],
       (1 + i %% 40)::text,
       CASE WHEN t.event_type LIKE 'course%%' THEN 'course-' || (1 + i %% 20)
            ELSE '' END,
       CASE WHEN t.event_type LIKE 'webinar%%' THEN (1 + i %% 30)::text ELSE '' END,
       CASE WHEN t.event_type LIKE 'recording%%' THEN (1 + i %% 200)::text
            ELSE '' END,
       CASE WHEN t.event_type = 'recording_viewed' THEN jsonb_build_object(
            'seconds_played', (i * 13) %% 120, 'duration', 600) ELSE '{}' END,
       'stream'
FROM generate_series(1::bigint, %(size)s) AS i
CROSS JOIN LATERAL (SELECT
    CASE WHEN i %% 100 < 60 THEN 'recording_viewed'
         WHEN i %% 100 < 80 THEN 'resource_viewed'
         WHEN i %% 100 < 88 THEN 'recording_downloaded'
         WHEN i %% 100 < 92 THEN 'resource_downloaded'
         WHEN i %% 100 < 95 THEN 'course_enrolled'
         WHEN i %% 100 < 97 THEN 'course_completed'
         WHEN i %% 100 = 97 THEN 'webinar_attended'
         WHEN i %% 100 = 98 THEN 'session_attended'
         ELSE 'webinar_registered' END AS event_type) AS k
CROSS JOIN LATERAL (SELECT k.event_type,
    split_part(k.event_type, '_', 1) AS object_type,
    (1 + i %% 200)::text AS object_id) AS t
"""


def setup_django():
    os.environ.update(
        DJANGO_SETTINGS_MODULE="learning.settings.test",
        DATABASE_URL=DATABASE_URL,
        CELERY_QUEUE="bench",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_database() -> None:
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-Atc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if not exists.strip():
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True
        )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        check=True,
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": DATABASE_URL,
            "DJANGO_SETTINGS_MODULE": "learning.settings.test",
        },
    )


def fill(size: int) -> float:
    """Replace all events by `size` generated ones and roll them up; return seconds."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from learning.records.services import rollup_dirty_days

    users = get_user_model().objects
    if users.filter(username__startswith="bench-").count() < LEARNERS:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO auth_user (password, is_superuser, username, first_name, "
                "last_name, email, is_staff, is_active, date_joined) "
                "SELECT '!', false, 'bench-' || n, '', '', '', false, true, now() "
                "FROM generate_series(1, %s) n ON CONFLICT (username) DO NOTHING",
                [LEARNERS],
            )
    first_user = users.filter(username__startswith="bench-").order_by("pk").first().pk
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE records_fact, records_rollup, records_dirtyday, "
            "records_event CASCADE"
        )
        cursor.execute(
            GENERATE_EVENTS,
            {"size": size, "learners": LEARNERS, "first_user": first_user},
        )
        cursor.execute(
            "INSERT INTO records_dirtyday (day, marked_at) "
            "SELECT d::date, now() FROM generate_series("
            "date '2025-01-01', date '2026-01-01', interval '1 day') d"
        )
        cursor.execute("ANALYZE records_event")
    inserted = time.perf_counter()
    rollup_dirty_days()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE records_fact")
        cursor.execute("ANALYZE records_rollup")
    print(
        f"  {size:>9,} events: generated in {inserted - started:6.1f} s, "
        f"rolled up in {time.perf_counter() - inserted:6.1f} s"
    )
    return time.perf_counter() - started


def time_report(key: str, params: dict) -> tuple[float, dict]:
    from django.test import Client

    client = Client()
    url = "/api/v1/reports/training/"
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    client.get(url, params, **headers)
    times = []
    for _ in range(7):
        started = time.perf_counter()
        response = client.get(url, params, **headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content
    return statistics.median(times), response.json()


def reporting_key() -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from learning.accounts.models import REPORTING_GROUP
    from learning.records.tokens import reporting_token_create

    user, _ = get_user_model().objects.get_or_create(
        username="bench-reporter", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=REPORTING_GROUP))
    return reporting_token_create(user=user, name="bench")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 5_000_000])
    options = parser.parse_args(argv)
    prepare_database()
    setup_django()
    key = reporting_key()
    results: dict[str, list[float]] = {label: [] for label in REPORTS}
    for size in options.sizes:
        fill(size)
        for label, params in REPORTS.items():
            seconds, report = time_report(key, params)
            results[label].append(seconds)
            print(
                f"  {size:>9,} events, {label:<30}{seconds * 1000:8.1f} ms "
                f"(views {report['recordings']['views']:,}, "
                f"trained {report['practitioners_trained']:,}, "
                f"completions {report['completions']['total']:,})"
            )
    small_size, large_size = options.sizes
    print(f"{'report':<30}{small_size:>12,}{large_size:>12,}   ratio (target <= 3)")
    for label, (small, large) in results.items():
        print(
            f"{label:<30}{small * 1000:9.1f} ms{large * 1000:9.1f} ms"
            f"{large / small:8.2f}"
        )


if __name__ == "__main__":
    main()
