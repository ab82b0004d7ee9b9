"""Fixtures for the platform plumbing: a private Redis that a test may stop."""

import pytest

from learning.celery import app as celery_app
from learning.core.local_redis import LocalRedis


@pytest.fixture
def private_redis(tmp_path):
    """A `redis-server` of this test's own, on a free port; stopped at the end."""
    server = LocalRedis(data_dir=tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def platform_on_private_redis(settings, private_redis):
    """Point the broker and the cache at `private_redis`, where no worker listens."""
    # Celery copies the settings on first use: load them now, so that the override
    # below never becomes the app's broker for the rest of the session.
    assert celery_app.conf.broker_url != private_redis.url
    settings.CELERY_BROKER_URL = private_redis.url
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": private_redis.url.replace("/0", "/1"),
        }
    }
    return private_redis
