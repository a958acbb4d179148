"""Development: works with nothing set; SQLite in the project folder."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# A .env made for docker-compose may sit in the same folder: an empty SECRET_KEY there,
# or its production host names, must not stop the development server.
SECRET_KEY = env("SECRET_KEY", default="") or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost"]  # noqa: F405

# Serve static files straight from the app folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SERVE_MEDIA = True

# The demo accounts of `make run` (admin/admin, editor/editor…) sign in with a password
# alone; production asks superusers and editors for a second step (OTP_REQUIRED).
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
