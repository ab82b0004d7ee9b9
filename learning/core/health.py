"""Health checks of the database, Redis and the Celery workers, each bounded in time."""

import uuid
from dataclasses import asdict, dataclass

import redis
from django.conf import settings
from django.db import connection

from learning.celery import app as celery_app

CHECK_TIMEOUT_SECONDS = 1.0
DEEP_CHECK_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return CheckResult(False, type(error).__name__)
    return CheckResult(True, connection.vendor)


def check_redis() -> CheckResult:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        return CheckResult(False, type(error).__name__)
    finally:
        client.close()
    return CheckResult(True, "pong")


def check_workers() -> CheckResult:
    try:
        replies = celery_app.control.ping(timeout=CHECK_TIMEOUT_SECONDS, limit=1)
    except Exception as error:  # noqa: BLE001 - broker errors of every kind
        return CheckResult(False, type(error).__name__)
    if not replies:
        return CheckResult(False, "no worker answered")
    return CheckResult(True, f"{len(replies)} worker(s) answered")


def check_task_round_trip() -> CheckResult:
    """Send a real task and wait for the answer: a stuck worker that pings fails."""
    from learning.core.tasks import echo_task

    token = uuid.uuid4().hex
    try:
        answer = echo_task.delay(token).get(timeout=DEEP_CHECK_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - timeouts and broker errors alike
        return CheckResult(False, type(error).__name__)
    return CheckResult(answer == token, "task answered")


def platform_health(*, deep: bool = False) -> dict:
    """Run every check; the worker checks need Redis, skipped when it is down.

    `deep` replaces the worker ping by a real task round trip (slower, for monitoring).
    """
    database = check_database()
    redis_result = check_redis()
    worker_check = check_task_round_trip if deep else check_workers
    workers = worker_check() if redis_result.ok else CheckResult(False, "broker down")
    checks = {"database": database, "redis": redis_result, "worker": workers}
    return {
        "status": "ok" if all(result.ok for result in checks.values()) else "down",
        "checks": {name: asdict(result) for name, result in checks.items()},
    }
