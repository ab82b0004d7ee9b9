"""A real Celery round trip: a task goes through Redis to a worker process and back."""

import uuid

import pytest

from learning.core.tasks import echo_task

pytestmark = pytest.mark.worker


def test_real_worker_answers_a_task_through_redis(celery_worker):
    # given a running worker and a token only this test knows
    token = uuid.uuid4().hex

    # when the task is sent through the broker
    answer = echo_task.delay(token).get(timeout=30)

    # then the worker's answer comes back through the result backend
    assert answer == token
