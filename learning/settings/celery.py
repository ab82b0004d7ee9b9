"""Celery: Redis broker, JSON, late acknowledgement, bounded waits, reviewed beat."""

from learning.env import env_int, env_str
from learning.settings.redis import REDIS_URL, redis_database_url

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND", redis_database_url(REDIS_URL, 2)
)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "learning")
# A task is acknowledged only when done; a worker that dies hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# kombu waits forever on a frozen socket by default; a web request must not.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 5,
    "socket_connect_timeout": 5,
    # Longer than the hard time limit, so an unacknowledged task is redelivered
    # only when its worker is really gone, never while it still runs.
    "visibility_timeout": 3600,
    "max_retries": 3,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_timeout": 5,
    "socket_connect_timeout": 5,
}
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 5
CELERY_BROKER_POOL_LIMIT = 10
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_TASK_SEND_SENT_EVENT = False

CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The schedule is code: review changes here. django-celery-beat mirrors it into the
# database, where staff can pause an entry without a deploy.
CELERY_BEAT_SCHEDULE: dict = {
    # Reminders a day and an hour before each webinar; each is claimed once per
    # registration and start time, so running more often only makes them punctual.
    "webinars-reminders": {
        "task": "webinars.reminders_send_due_task",
        "schedule": 300.0,
    },
    # Learning records: drain the Redis stream into PostgreSQL every few seconds;
    # roll up days whose events changed (the drain also asks for it); follow-up
    # surveys once a day. All three are idempotent and safe to overlap.
    "records-drain": {"task": "records.records_drain_task", "schedule": 5.0},
    "records-rollup": {"task": "records.records_rollup_task", "schedule": 60.0},
    "records-follow-up-surveys": {
        "task": "records.follow_up_survey_send_task",
        "schedule": 24 * 3600.0,
    },
    # iRooms: session reminders (each session reminded once), daily discussion digest
    # (each member's digest covers what came after the previous one).
    "irooms-session-reminders": {
        "task": "irooms.tasks.session_reminders_task",
        "schedule": 900.0,
    },
    # xAPI: the platform's own events as statements in the LRS. Statement ids are
    # derived from the events, so overlapping or repeated runs store nothing twice.
    "xapi-platform-statements": {
        "task": "xapi.xapi_platform_statements_task",
        "schedule": 60.0,
    },
    # Completion statements from clients are taken in when they commit; this sweep
    # catches any whose task was lost. Each statement is taken in once ever.
    "xapi-incoming-statements": {
        "task": "xapi.xapi_incoming_statements_task",
        "schedule": 60.0,
    },
    "irooms-discussion-digest": {
        "task": "irooms.tasks.discussion_digest_task",
        "schedule": 24 * 3600.0,
    },
}
