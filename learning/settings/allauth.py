"""django-allauth: e-mail log-in, mandatory verification, rate limits and MFA."""

from learning.env import env_str

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

ACCOUNT_ADAPTER = "learning.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# A signed-in user sent to log in (e.g. a practitioner opening /admin/) sees the
# form and a message, instead of bouncing back to the page that sent them: a loop.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Learning Platform] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
# allauth counts attempts in the cache (Redis): shared by every web process.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "mfa_authenticate": "5/m/user,20/m/ip",
    "mfa_reauthenticate": "5/m/user",
}

MFA_ADAPTER = "learning.accounts.adapter.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Learning Platform"
# Accept the neighbouring 30-second codes too: phone clocks drift, and a code typed
# at the turn of a period must still work. A used code is refused within the window.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
# Fernet key (urlsafe base64, 32 bytes) for TOTP secrets; derived from SECRET_KEY
# when not given, so that a database dump alone does not reveal them.
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY", "")
