import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mod_press.settings.prod")
# Requests, unlike management commands, give up on a query that waits longer than
# DB_STATEMENT_TIMEOUT_MS (mod_press/settings/prod.py).
os.environ.setdefault("WEB_PROCESS", "true")

application = get_asgi_application()
