"""Learning records: the events stream, roll-ups, reports and follow-up surveys."""

from learning.env import env_int, env_str
from learning.settings.redis import REDIS_URL, redis_database_url

# The stream that buffers high-rate tracking events (views, playback, downloads) until
# Celery drains them into PostgreSQL. In production this Redis MUST persist every write
# (`appendonly yes`, `appendfsync everysec` or `always`): an event acknowledged to the
# browser lives only there until the drain task has copied it.
RECORDS_STREAM_URL = env_str("RECORDS_STREAM_URL", redis_database_url(REDIS_URL, 3))
# Keyed by the Celery queue, so that parallel test runs (one queue each) never drain
# each other's events; in production the queue, and so the key, is "learning".
RECORDS_STREAM_KEY = env_str(
    "RECORDS_STREAM_KEY", f"records:{env_str('CELERY_QUEUE', 'learning')}:events"
)
RECORDS_STREAM_GROUP = "records-drain"
# A frozen Redis must not hold a request: after this many seconds the event goes to
# PostgreSQL instead, and Redis is skipped for RECORDS_STREAM_RETRY_SECONDS.
RECORDS_STREAM_TIMEOUT_SECONDS = float(env_str("RECORDS_STREAM_TIMEOUT_SECONDS", "0.3"))
RECORDS_STREAM_RETRY_SECONDS = float(env_str("RECORDS_STREAM_RETRY_SECONDS", "5"))
RECORDS_DRAIN_BATCH_SIZE = env_int("RECORDS_DRAIN_BATCH_SIZE", 500)
# Pending entries idle this long belong to a worker that died: another takes them over.
RECORDS_DRAIN_RECLAIM_IDLE_MS = env_int("RECORDS_DRAIN_RECLAIM_IDLE_MS", 60_000)
# Test-only: seconds the drain waits between reading a batch and storing it, so that
# a test can kill the worker in the middle of a batch. Always 0 in production.
RECORDS_DRAIN_TEST_PAUSE_SECONDS = float(
    env_str("RECORDS_DRAIN_TEST_PAUSE_SECONDS", "0")
)
# Breakdown tables and exports show a count below this as "<N".
RECORDS_SMALL_CELL_THRESHOLD = env_int("RECORDS_SMALL_CELL_THRESHOLD", 5)
# Months after a course completion or session attendance before the follow-up survey.
RECORDS_FOLLOW_UP_SURVEY_MONTHS = env_int("RECORDS_FOLLOW_UP_SURVEY_MONTHS", 6)
# Tracking-endpoint limits: events per request, size of the free-form context.
RECORDS_TRACK_MAX_EVENTS = env_int("RECORDS_TRACK_MAX_EVENTS", 50)
# How long a page's tracking grant (the player's signed permission) stays valid:
# longer than the longest recording someone would watch in one sitting.
RECORDS_TRACKING_GRANT_SECONDS = env_int("RECORDS_TRACKING_GRANT_SECONDS", 6 * 3600)
