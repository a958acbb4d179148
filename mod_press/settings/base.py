"""Settings shared by every environment; dev, test and prod refine them."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# Variables may also come from a .env file (see .env.example); the environment wins.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "taggit",
    "adminsortable2",
    # The paragraph editor's static files (started by releases/static/js/rich-text.js).
    "django_prose_editor",
    "reversion",
    # Before rosetta, whose list of catalogues it replaces with one that shows no paths.
    "mod_press.interface_strings",
    "rosetta",
    "csp",
    # Background work (django-tasks, the backport of Django 6's tasks, with its database
    # backend): photo uploads are processed by `manage.py db_worker`, not by the request.
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    # The read-only JSON API (releases/api/) and its OpenAPI schema and docs, served from
    # the site's own static files (the sidecar), nothing from a CDN.
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "releases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Odd bytes in an address or a form get a 400 before anything else reads them.
    "releases.request_guard.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Other sites' scripts may read the API (/api/ only, GET and HEAD, no credentials);
    # before anything that answers, so that a preflight and a 304 carry its headers.
    "corsheaders.middleware.CorsMiddleware",
    # 304 answers for every page, cached or not (the page cache sets the validators).
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous readers are answered from here without reaching the rest.
    "releases.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "mod_press.interface_strings.middleware.CatalogueReloadMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "releases.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle and old staff sessions; holds back who must set up two-step sign-in.
    "releases.accounts.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mod_press.urls"
WSGI_APPLICATION = "mod_press.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "releases.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: Redis in production (CACHE_URL=redis://host:6379/0), the process's
# memory by default. Pages for anonymous readers are kept there (releases/page_cache.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"].setdefault("KEY_PREFIX", env("CACHE_KEY_PREFIX", default="mod_press"))
# The counters of rate limits (the API's, the e-mail alerts' form): in a cache of their
# own, so that pages filling the shared cache never evict them. In production a small
# Redis of its own (docker-compose.yml's "limits"); by default the shared cache's server,
# or the process's memory apart from the pages'.
CACHES["limits"] = env.cache(
    "LIMITS_CACHE_URL", default=env("CACHE_URL", default="locmemcache://limits")
)
if CACHES["limits"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["limits"].setdefault("KEY_PREFIX", env("CACHE_KEY_PREFIX", default="mod_press"))
RATELIMIT_USE_CACHE = "limits"
# The full-page cache for anonymous readers; any content change renews it at once.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE", default=True)
# The query parameters pages take: a list's page, search and filter fields, a sitemap's
# page. A page is kept under its address with these only (see releases/page_cache.py).
PAGE_CACHE_QUERY_PARAMETERS = frozenset(
    {"page", "q", "kind", "tag", "country", "official", "year", "date_from", "date_to", "p"}
)
# How long Redis keeps a page at most (any change or scheduled release ends it sooner).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
# How long nginx or a CDN in front may keep a page (s-maxage, X-Accel-Expires): the
# delay at most between a publication and every reader seeing it.
PAGE_CACHE_EDGE_SECONDS = env.int("PAGE_CACHE_EDGE_SECONDS", default=10)
PAGE_CACHE_STALE_SECONDS = env.int("PAGE_CACHE_STALE_SECONDS", default=30)
# Addresses the page cache never stores nor serves: the JSON API answers each request
# itself (its validators, rate limit and CORS headers are per request).
PAGE_CACHE_EXCLUDED_PREFIXES = ("/api/",)
# A release's own part of its page, kept per release until what it shows changes
# (releases.page_cache.cached_article): what a page-cache miss renders afresh is the frame.
ARTICLE_CACHE_ENABLED = env.bool("ARTICLE_CACHE", default=True)
ARTICLE_CACHE_SECONDS = env.int("ARTICLE_CACHE_SECONDS", default=24 * 3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Ukrainian is the site's own language and lives at unprefixed URLs;
# English lives under /en/.
LANGUAGE_CODE = "uk"
LANGUAGES = [
    ("uk", _("Ukrainian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Kyiv"
USE_I18N = True
USE_TZ = True

# A page never mixes languages: an empty English field stays empty instead of
# quietly showing the Ukrainian text.
MODELTRANSLATION_DEFAULT_LANGUAGE = "uk"
MODELTRANSLATION_LANGUAGES = ("uk", "en")
MODELTRANSLATION_ENABLE_FALLBACKS = False

TAGGIT_CASE_INSENSITIVE = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Whether Django itself serves uploads (development and tests; never production).
SERVE_MEDIA = False
# Photos are fetched through views that check who asks (releases/media.py), never by
# their address in the media folder. Behind nginx (docker-compose.yml) the app answers
# with X-Accel-Redirect to nginx's internal location MEDIA_ACCEL_PREFIX, which serves the
# media folder; without it, the app streams the file itself.
MEDIA_ACCEL_REDIRECT = env.bool("MEDIA_ACCEL_REDIRECT", default=False)
MEDIA_ACCEL_PREFIX = "/protected-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Photos and renditions in S3-compatible object storage (django-storages) when a bucket
# is named; otherwise on the local file system under MEDIA_ROOT.
if env("S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "custom_domain": env("S3_CUSTOM_DOMAIN", default=None),
            "location": env("S3_PREFIX", default=""),
            # Public photos need no signed URLs; a private bucket can turn them on.
            "querystring_auth": env.bool("S3_SIGNED_URLS", default=False),
            "file_overwrite": False,
        },
    }

# Files of a batch upload wait here for the worker: a storage of their own, never under
# MEDIA_ROOT (which the web server publishes). A local folder shared by the app and the
# worker, or a private prefix of the bucket when photos are in object storage.
PHOTO_UPLOAD_ROOT = env.path("PHOTO_UPLOAD_ROOT", default=BASE_DIR / "uploads")
STORAGES["uploads"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PHOTO_UPLOAD_ROOT), "base_url": "/not-served/"},
}
if env("S3_BUCKET", default=""):
    STORAGES["uploads"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "bucket_name": env("S3_UPLOADS_BUCKET", default=env("S3_BUCKET")),
            # Outside S3_PREFIX, private, and never through the public custom domain.
            "location": env("S3_UPLOADS_PREFIX", default="private"),
            "custom_domain": None,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

# Background tasks: the database backend, run by `manage.py db_worker` (the `worker`
# service of docker-compose.yml; `make run` starts one beside the development server).
# TASKS_IMMEDIATE=true runs each task inside the request that asks for it instead, for a
# bare `manage.py runserver` without a worker; never in production.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if env.bool("TASKS_IMMEDIATE", default=False):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The site's name and publisher as they appear in page titles and the header.
SITE_NAME = {
    "uk": env("SITE_NAME_UK", default="Пресслужба Міністерства оборони України"),
    "en": env("SITE_NAME_EN", default="Press Service of the Ministry of Defence of Ukraine"),
}

# The public address of the site, for links that leave it (preview links, feeds, e-mail).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Outgoing mail (e-mail alerts): EMAIL_URL names the SMTP server, e.g.
# smtp+tls://user:password@smtp.example.org:587 (django-environ); by default messages are
# printed to the console. Sent by the background worker, never inside a request.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="press@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# E-mail alerts (releases/alerts/): messages per task and SMTP connection, tries of a
# recipient the server turns away for now (4xx) and the wait after the first one
# (doubled after each next), days a confirmation link is valid (unconfirmed
# subscriptions are deleted after them), and how often one client and one address may
# ask to subscribe (django-ratelimit's "count/period", s m h d).
ALERTS_BATCH_SIZE = env.int("ALERTS_BATCH_SIZE", default=50)
ALERTS_MAX_ATTEMPTS = env.int("ALERTS_MAX_ATTEMPTS", default=5)
ALERTS_RETRY_SECONDS = env.int("ALERTS_RETRY_SECONDS", default=300)
ALERTS_CONFIRM_DAYS = env.int("ALERTS_CONFIRM_DAYS", default=3)
# A batch holds its deliveries this long (seconds); past it, its worker is taken to have
# died and they are sent by another (at the risk of a second copy, never of none). The
# scheduler queues again an alert whose work is this late (manage.py resume_alerts).
ALERTS_SENDING_LEASE = env.int("ALERTS_SENDING_LEASE", default=1800)
ALERTS_RESUME_AFTER = env.int("ALERTS_RESUME_AFTER", default=120)
ALERTS_SUBSCRIBE_RATE_PER_CLIENT = env("ALERTS_SUBSCRIBE_RATE_PER_CLIENT", default="10/h")
ALERTS_SUBSCRIBE_RATE_PER_ADDRESS = env("ALERTS_SUBSCRIBE_RATE_PER_ADDRESS", default="3/d")
# The List-Id of the alerts (RFC 2919): alerts-uk.<this>, alerts-en.<this>.
ALERTS_LIST_ID = env("ALERTS_LIST_ID", default="press.localhost")
RATELIMIT_CACHE_PREFIX = "ratelimit:"

# The longest a preview link may stay valid (7 days is offered by default).
PREVIEW_LINK_MAX_DAYS = env.int("PREVIEW_LINK_MAX_DAYS", default=30)

RELEASES_PER_PAGE = 12

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Django's loggers have console handlers of their own; don't print each line twice.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# The photo library. Limits apply to admin uploads and imports alike.
PHOTO_MAX_UPLOAD_BYTES = env.int("PHOTO_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=60_000_000)
PHOTO_CODE_PREFIX = env("PHOTO_CODE_PREFIX", default="jrs")
# Batch uploads: files per batch, files waiting per person, and how long the worker may
# spend on one file before it is taken to have stopped (then retried, and after
# PHOTO_UPLOAD_ATTEMPTS tries in all marked failed).
PHOTO_BATCH_MAX_FILES = env.int("PHOTO_BATCH_MAX_FILES", default=50)
PHOTO_UPLOAD_MAX_PENDING = env.int("PHOTO_UPLOAD_MAX_PENDING", default=200)
PHOTO_UPLOAD_TIMEOUT = env.int("PHOTO_UPLOAD_TIMEOUT", default=600)
PHOTO_UPLOAD_ATTEMPTS = env.int("PHOTO_UPLOAD_ATTEMPTS", default=2)
# Widths of the responsive renditions (WebP with a JPEG fallback).
PHOTO_WIDTHS = [480, 800, 1200, 1600]
# Cropped renditions: name -> (width, height), cut around the photo's focal point.
PHOTO_CROPS = {"card": (800, 533), "card-small": (400, 267), "social": (1200, 630)}
# Documents a release carries (PDF, DOCX, XLSX; releases/documents/gate.py). An OOXML
# document is a zip: its directory is checked against these before a part is unpacked.
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
DOCUMENT_MAX_ZIP_ENTRIES = 2000
DOCUMENT_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# A part of more than a megabyte may unpack to at most this many times its packed size.
DOCUMENT_MAX_COMPRESSION_RATIO = 100
# A form without its files: the largest release the admin takes (releases/limits.py:
# MAX_BLOCKS blocks of PARAGRAPH characters in both languages, Cyrillic, URL-encoded at
# six bytes a letter) is 7.2 MB, in about 500 fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django keeps an upload in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, in a temporary file
# beyond; the first handlers stop keeping a photo once it is past PHOTO_MAX_UPLOAD_BYTES,
# and a release's document once it is past DOCUMENT_MAX_UPLOAD_BYTES.
FILE_UPLOAD_HANDLERS = [
    "releases.photos.uploads.PhotoSizeLimitUploadHandler",
    "releases.documents.forms.DocumentSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Addresses: no page takes more than a dozen parameters, or a query string longer than a
# search of 500 Cyrillic letters with every filter (releases/request_guard.py).
REQUEST_MAX_QUERY_STRING_LENGTH = 4096
REQUEST_MAX_QUERY_PARAMETERS = 50

# Interface strings edited in the browser (django-rosetta), by the Translator group.
ROSETTA_ACCESS_CONTROL_FUNCTION = "mod_press.interface_strings.access.can_edit_interface_strings"
ROSETTA_STORAGE_CLASS = "rosetta.storage.SessionRosettaStorage"
ROSETTA_MESSAGES_PER_PAGE = 25
ROSETTA_ENABLE_TRANSLATION_SUGGESTIONS = False
ROSETTA_SHOW_AT_ADMIN_PANEL = False
# How rosetta reads the catalogue; it is written as make messages lays it out, whatever
# polib's wrapping (mod_press.interface_strings.catalogues.save_catalogue).
ROSETTA_POFILE_WRAP_WIDTH = 79
ROSETTA_LOGIN_URL = "/admin/login/"
# Only the catalogues in LOCALE_PATHS are for translators (mod_press/urls.py keeps the
# other filters closed): not Django's, not other packages'.
ROSETTA_EXCLUDED_APPLICATIONS = INSTALLED_APPS

# Content Security Policy (django-csp): nothing runs or loads from elsewhere, so even a
# slip that let markup through could not run a script, on the public site or in the
# admin, the string editor (django-rosetta, in the admin's frame) included.
_IMAGE_HOSTS = [
    host
    for host in (env("S3_CUSTOM_DOMAIN", default=""), env("S3_ENDPOINT_URL", default=""))
    if host
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *_IMAGE_HOSTS],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # The one frame a page may hold: a release's video, on YouTube's privacy-enhanced
        # domain, put there when the reader asks (releases/video.py, js/video.js).
        "frame-src": ["https://www.youtube-nocookie.com"],
    },
}

# Staff accounts: limits on sign-in attempts, two-step sign-in, sessions that end, and the
# audit trail. docs/security.md says what each setting guards against.

# Old keys still accepted while sessions and preview links signed with them live on
# (comma-separated); new signatures use SECRET_KEY. See docs/security.md.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username and address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How many proxies in front of the app append the address they saw to X-Forwarded-For;
# the client is that many entries from the right, and whatever stands further left (what
# the client itself sent) is ignored. 0: the app is reached directly (runserver).
PROXY_HOPS = env.int("PROXY_HOPS", default=0)
# django-axes: after LOGIN_FAILURE_LIMIT wrong passwords or codes for one username from one
# address, that pair waits LOGIN_COOLOFF_MINUTES (each further try starts the wait again).
# Locking the pair, not the username, keeps an attacker from locking editors out.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "releases.security.client_ip"
AXES_LOCKOUT_CALLABLE = "releases.accounts.locked_out"
# Attempts and lockouts are read in the audit trail; unlocking is an action on the users.
AXES_ENABLE_ADMIN = False

# Two-step sign-in (django-otp): an authenticator app's code (TOTP) or a recovery code.
# Superusers and members of OTP_REQUIRED_GROUPS must enrol before they reach the admin;
# others may. OTP_REQUIRED=false (development) lets everyone in with a password alone.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)
OTP_REQUIRED_GROUPS = env.list("OTP_REQUIRED_GROUPS", default=["Editor"])
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default=SITE_NAME["uk"])
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_RECOVERY_CODES = 10

# Sessions: signed out after SESSION_IDLE_SECONDS without a request, and after
# SESSION_COOKIE_AGE whatever happens (releases/accounts.py).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True

# /.well-known/security.txt (RFC 9116): where to report a vulnerability. Without a
# contact the file is not served.
SECURITY_CONTACT = env("SECURITY_CONTACT", default="")
SECURITY_TXT_EXPIRES_DAYS = env.int("SECURITY_TXT_EXPIRES_DAYS", default=180)
# django-axes logs every attempt at INFO; the audit trail keeps them, the log keeps lockouts.
LOGGING["loggers"]["axes"] = {"level": env("AXES_LOG_LEVEL", default="WARNING")}

# The read-only JSON API at /api/v1/ (releases/api/, docs/api.md): anonymous, both
# languages in every answer, its errors in English unless Accept-Language asks for
# Ukrainian. Each client (by the address client_ip() trusts, as sign-in limits do) may
# make API_THROTTLE_RATE requests, counted in the shared cache; then 429 and Retry-After.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="120/min")
API_PAGE_SIZE = 20
API_MAX_PAGE_SIZE = 100
REST_FRAMEWORK = {
    # Nothing to sign in to: no session, no password, no CSRF check on a read.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["releases.api.throttling.ClientRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "mod_press API",
    "DESCRIPTION": (
        "The public press releases of the ministry, with the officials, partner countries, "
        "tags and photos they show. Read-only. Every text is given in Ukrainian (uk) and "
        "English (en) side by side, null in a language it is not public in."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    # No link inside each operation's button: a control within a control is unreachable.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Two fields are called "kind": each enum is named after its model.
    "ENUM_NAME_OVERRIDES": {
        "ReleaseKindEnum": "releases.models.release.Release.Kind",
        "DocumentKindEnum": "releases.models.documents.Document.Kind",
    },
}
# CORS (django-cors-headers): any site may read the API from a browser, nothing else.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Content-Language"]
# pikepdf (the documents' gate) says at INFO that it has loaded, in every process.
LOGGING["loggers"]["pikepdf"] = {"level": "WARNING"}
