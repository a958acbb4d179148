"""Production: refuses to start without its secrets and database."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

for _required in ("SECRET_KEY", "DATABASE_URL"):
    if not env(_required, default=""):
        raise ImproperlyConfigured(
            f"{_required} must be set in the environment for production (see .env.example)."
        )

DEBUG = False

# PostgreSQL connections come from a pool in each worker process (psycopg's, built into
# Django 5.1+): a request borrows one instead of connecting, and a broken one is replaced.
# With DB_POOL=false each worker keeps one persistent connection (CONN_MAX_AGE) instead.
_database = DATABASES["default"]  # noqa: F405
if _database["ENGINE"] == "django.db.backends.postgresql":
    if env.bool("DB_POOL", default=True):
        _database["CONN_MAX_AGE"] = 0  # the pool decides how long connections live
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DB_POOL_MAX_SIZE", default=4),
            # Seconds a request waits for a free connection before it fails.
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    else:
        _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=300)
        _database["CONN_HEALTH_CHECKS"] = True

# A request gives up on a query that waits longer than this (a table locked by a long
# migration or import, a runaway query) and answers 503 (releases.views.server_error),
# well before gunicorn's worker timeout (30 s, mod_press/deploy/Dockerfile) would kill the
# worker. Management commands (migrate, imports, the scheduler) have no such limit: only
# the web's entry points, mod_press/wsgi.py and asgi.py, set WEB_PROCESS.
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=10_000)
# Seconds to wait for PostgreSQL to accept a connection: a host that is down answers nothing.
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
if _database["ENGINE"] == "django.db.backends.postgresql":
    _options = _database.setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    if env.bool("WEB_PROCESS", default=False) and DB_STATEMENT_TIMEOUT_MS > 0:
        _timeout = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
        _given = _options.get("options")  # from DATABASE_URL's ?options=
        _options["options"] = f"{_given} {_timeout}" if _given else _timeout

# collectstatic's destination; the image keeps the default, a trial run may put it aside.
STATIC_ROOT = env.path("STATIC_ROOT", default=STATIC_ROOT)  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS=false only for a trial on plain HTTP; a real deployment sits behind TLS.
HTTPS = env.bool("HTTPS", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31536000 if HTTPS else 0)
# HSTS for every subdomain, and a place on the browsers' preload list, reach beyond this
# site: each subdomain of the domain must then serve HTTPS only, and leaving the list
# takes months. Off unless the deployment says so (README, "Security"). "false" is an
# answer too: check --deploy then stops asking (W005, W021).
_HSTS_DECISIONS = {"HSTS_INCLUDE_SUBDOMAINS": "security.W005", "HSTS_PRELOAD": "security.W021"}
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [
    check
    for variable, check in _HSTS_DECISIONS.items()
    if env(variable, default="") != "" and not env.bool(variable)
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# nginx (mod_press/deploy/nginx.conf) appends the address it saw to X-Forwarded-For: one
# hop. Behind a TLS proxy that appends as well, PROXY_HOPS=2 (docs/security.md).
PROXY_HOPS = env.int("PROXY_HOPS", default=1)
