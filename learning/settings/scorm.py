"""SCORM: the separate origin that serves package content, and its limits."""

from learning.env import env_int, env_str

# The origin (scheme://host[:port]) that serves SCORM content and its runtime API.
# It must be a different host from the platform's, so that the platform's session
# cookie is never sent to it and a package's JavaScript cannot act as the learner
# (e.g. the platform at https://learning.example.org, content at
# https://scorm-content.example.net). Empty: SCORM lessons cannot be launched.
SCORM_CONTENT_ORIGIN = env_str("SCORM_CONTENT_ORIGIN", "")
# Where packages are kept (private: never under MEDIA_ROOT); empty means
# PRIVATE_MEDIA_ROOT/scorm.
SCORM_ROOT = env_str("SCORM_ROOT", "")
# How long a launch token stays valid (content, player and runtime calls).
SCORM_LAUNCH_TOKEN_MAX_AGE = env_int("SCORM_LAUNCH_TOKEN_MAX_AGE", 4 * 60 * 60)
SCORM_LIMITS = {
    "max_zip_bytes": env_int("SCORM_MAX_ZIP_BYTES", 500 * 1024 * 1024),
    "max_total_bytes": env_int("SCORM_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024),
    "max_files": env_int("SCORM_MAX_FILES", 10_000),
}
