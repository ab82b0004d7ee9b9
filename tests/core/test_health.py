"""/healthz/: 200 when the database, Redis and a worker are up, 503 with the culprit."""

import pytest

from tests.conftest import wait_until


def health(client, **params):
    response = client.get("/healthz/", params)
    return response.status_code, response.json()


@pytest.mark.worker
def test_health_is_ok_when_database_redis_and_worker_are_up(client, celery_worker):
    # given a real worker on real Redis, and the test database

    # when a load balancer asks
    status, report = health(client)

    # then every check passes
    assert status == 200
    assert report["status"] == "ok"
    assert {name: check["ok"] for name, check in report["checks"].items()} == {
        "database": True,
        "redis": True,
        "worker": True,
    }


@pytest.mark.worker
def test_deep_health_check_sends_a_real_task_through_the_worker(client, celery_worker):
    # given a real worker

    # when monitoring asks for the deep check
    status, report = health(client, deep="1")

    # then a task went to the worker and its answer came back
    assert status == 200
    assert report["checks"]["worker"] == {"ok": True, "detail": "task answered"}


def test_health_is_503_with_worker_false_when_no_worker_listens(
    client, db, platform_on_private_redis
):
    # given Redis is up but no worker consumes from it

    # when a load balancer asks
    status, report = health(client)

    # then the platform is down because of the worker, not Redis
    assert status == 503
    assert report["status"] == "down"
    assert report["checks"]["redis"]["ok"] is True
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["worker"] == {"ok": False, "detail": "no worker answered"}


def test_health_turns_503_with_redis_false_soon_after_redis_stops(
    client, db, platform_on_private_redis
):
    # given the platform's Redis answers
    assert health(client)[1]["checks"]["redis"]["ok"] is True

    # when Redis goes down
    platform_on_private_redis.stop()

    # then the health check reports it within a bounded time, without hanging
    status, report = wait_until(
        lambda: (
            (result := health(client))[0] == 503
            and not result[1]["checks"]["redis"]["ok"]
            and result
        ),
        timeout=15,
        message="/healthz/ did not report Redis down.",
    )
    assert report["status"] == "down"
    assert report["checks"]["redis"]["detail"].startswith("broker:")
    assert report["checks"]["worker"] == {"ok": False, "detail": "broker down"}
