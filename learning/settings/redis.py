"""Redis: cache and Celery broker are separate databases, each with its own URL."""

from urllib.parse import urlsplit

from learning.env import env_str

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_database_url(base_url: str, database: int) -> str:
    """Point a redis:// URL at another logical database."""
    return urlsplit(base_url)._replace(path=f"/{database}").geturl()


CACHE_URL = env_str("CACHE_URL", redis_database_url(REDIS_URL, 1))
CACHES = {
    "default": {
        "BACKEND": "learning.core.cache.RedisCache",
        "LOCATION": CACHE_URL,
        # A frozen Redis must not hang a request: bound connect and socket waits.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "learning"),
    }
}

# Sessions are read from the cache (written through to PostgreSQL, which stays the
# durable copy): a signed-in request makes no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
