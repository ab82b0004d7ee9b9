"""Webinars: recording upload limits and the attendance threshold."""

from learning.env import env_int

# Recordings and captions are stored under PRIVATE_MEDIA_ROOT/webinars/.
WEBINAR_RECORDING_MAX_BYTES = env_int(
    "WEBINAR_RECORDING_MAX_BYTES", 4 * 1024 * 1024 * 1024
)
# One chunk of a resumable upload; the web server's body limit must allow it.
WEBINAR_UPLOAD_CHUNK_MAX_BYTES = env_int(
    "WEBINAR_UPLOAD_CHUNK_MAX_BYTES", 8 * 1024 * 1024
)
WEBINAR_CAPTION_MAX_BYTES = env_int("WEBINAR_CAPTION_MAX_BYTES", 2 * 1024 * 1024)
# Time in the session that makes a participant count as "attended".
WEBINAR_MINIMUM_ATTENDED_MINUTES = env_int("WEBINAR_MINIMUM_ATTENDED_MINUTES", 30)
