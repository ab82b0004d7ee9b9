"""Platform-wide plumbing: health checks, e-mail through Celery, shared helpers."""
