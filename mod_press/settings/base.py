"""Settings shared by every environment; dev, test and prod refine them."""

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
    "reversion",
    "rosetta",
    "csp",
    "releases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Odd bytes in an address or a form get a 400 before anything else reads them.
    "releases.request_guard.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 304 answers for every page, cached or not (the page cache sets the validators).
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous readers are answered from here without reaching the rest.
    "releases.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "releases.translators.CatalogueReloadMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
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
# The full-page cache for anonymous readers; any content change renews it at once.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE", default=True)
# How long Redis keeps a page at most (any change or scheduled release ends it sooner).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
# How long nginx or a CDN in front may keep a page (s-maxage, X-Accel-Expires): the
# delay at most between a publication and every reader seeing it.
PAGE_CACHE_EDGE_SECONDS = env.int("PAGE_CACHE_EDGE_SECONDS", default=10)
PAGE_CACHE_STALE_SECONDS = env.int("PAGE_CACHE_STALE_SECONDS", default=30)

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

# The site's name and publisher as they appear in page titles and the header.
SITE_NAME = {
    "uk": env("SITE_NAME_UK", default="Пресслужба Міністерства оборони України"),
    "en": env("SITE_NAME_EN", default="Press Service of the Ministry of Defence of Ukraine"),
}

# The public address of the site, for links that leave it (preview links, feeds, e-mail).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

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
# Widths of the responsive renditions (WebP with a JPEG fallback).
PHOTO_WIDTHS = [480, 800, 1200, 1600]
# Cropped renditions: name -> (width, height), cut around the photo's focal point.
PHOTO_CROPS = {"card": (800, 533), "card-small": (400, 267), "social": (1200, 630)}
# A form without its files: the largest release the admin takes (releases/limits.py:
# MAX_BLOCKS blocks of PARAGRAPH characters in both languages, Cyrillic, URL-encoded at
# six bytes a letter) is 7.2 MB, in about 500 fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Addresses: no page takes more than a dozen parameters, or a query string longer than a
# search of 500 Cyrillic letters with every filter (releases/request_guard.py).
REQUEST_MAX_QUERY_STRING_LENGTH = 4096
REQUEST_MAX_QUERY_PARAMETERS = 50

# Interface strings edited in the browser (django-rosetta), by the Translator group.
ROSETTA_ACCESS_CONTROL_FUNCTION = "releases.translators.can_edit_interface_strings"
ROSETTA_STORAGE_CLASS = "rosetta.storage.SessionRosettaStorage"
ROSETTA_MESSAGES_PER_PAGE = 25
ROSETTA_ENABLE_TRANSLATION_SUGGESTIONS = False
ROSETTA_SHOW_AT_ADMIN_PANEL = False
ROSETTA_POFILE_WRAP_WIDTH = 0
ROSETTA_LOGIN_URL = "/admin/login/"
# Only the catalogues in LOCALE_PATHS are for translators (mod_press/urls.py keeps the
# other filters closed): not Django's, not other packages'.
ROSETTA_EXCLUDED_APPLICATIONS = INSTALLED_APPS

# Content Security Policy (django-csp): nothing runs or loads from elsewhere, so even a
# slip that let markup through could not run a script, on the public site or in the
# admin. Only the string editor (django-rosetta) has inline scripts and is left out.
_IMAGE_HOSTS = [
    host
    for host in (env("S3_CUSTOM_DOMAIN", default=""), env("S3_ENDPOINT_URL", default=""))
    if host
]
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/translations/", "/en/translations/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *_IMAGE_HOSTS],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
