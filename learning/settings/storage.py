"""File storage and protected serving of private files."""

from learning.env import env_str

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# How private files leave the server after the permission check: "django" streams
# them from Python; "nginx" (X-Accel-Redirect) and "apache" (X-Sendfile) hand them
# to the web server.
PROTECTED_FILE_SERVING = env_str("PROTECTED_FILE_SERVING", "django")
PROTECTED_FILE_INTERNAL_PREFIX = env_str(
    "PROTECTED_FILE_INTERNAL_PREFIX", "/protected/"
)
# MEDIA_ROOT files served only after a check (documents, room images) go through
# a second internal location, since they live under another root.
PROTECTED_MEDIA_INTERNAL_PREFIX = env_str(
    "PROTECTED_MEDIA_INTERNAL_PREFIX", "/protected-media/"
)
# Wagtail's document serve view hands files to this backend, which follows
# PROTECTED_FILE_SERVING: streamed by Django, or X-Accel-Redirect / X-Sendfile.
SENDFILE_BACKEND = "irooms.protected"
# Wagtail's image renditions are private files too (a room's images are private):
# kept under PRIVATE_MEDIA_ROOT and served only by irooms.views.image_rendition_serve,
# which checks room membership first. Nothing under MEDIA_ROOT is public.
WAGTAILIMAGES_RENDITION_STORAGE = "irooms.protected.RenditionStorage"
