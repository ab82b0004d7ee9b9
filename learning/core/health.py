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


def redis_urls() -> dict[str, str]:
    """The Redis servers the platform needs, read from the current settings."""
    urls = {"broker": settings.CELERY_BROKER_URL}
    cache = settings.CACHES.get("default", {})
    if cache.get("BACKEND", "").endswith("RedisCache"):
        urls["cache"] = cache["LOCATION"]
    return urls


def check_redis() -> CheckResult:
    """Ping the broker and the cache (a down cache breaks log-in rate limits)."""
    for role, url in redis_urls().items():
        client = redis.Redis.from_url(
            url,
            socket_timeout=CHECK_TIMEOUT_SECONDS,
            socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        except redis.RedisError as error:
            return CheckResult(False, f"{role}: {type(error).__name__}")
        finally:
            client.close()
    return CheckResult(True, "pong")


def broker_connection():
    """A fresh connection to the broker named by the current settings.

    The Celery app keeps a connection pool to the broker it was configured with;
    a health check must probe what the settings say now, not what they said then.
    """
    return celery_app.connection_for_write(url=settings.CELERY_BROKER_URL)


def ping_workers(connection) -> list[dict]:
    """Broadcast Celery's `ping` on `connection`; the first reply is enough.

    `app.control.ping(connection=...)` would still publish through the app's cached
    producer pool, so the mailbox is bound to our connection without that pool.
    """
    mailbox = celery_app.control.mailbox(connection)
    mailbox.producer_pool = None
    return mailbox._broadcast(
        "ping", reply=True, timeout=CHECK_TIMEOUT_SECONDS, limit=1
    )


def check_workers() -> CheckResult:
    try:
        with broker_connection() as connection:
            replies = ping_workers(connection)
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
        with broker_connection() as connection:
            result = echo_task.apply_async((token,), connection=connection)
        answer = result.get(timeout=DEEP_CHECK_TIMEOUT_SECONDS)
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
