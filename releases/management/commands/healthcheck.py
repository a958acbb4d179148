"""Exit 0 when the site can answer: the database responds and the home page renders."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client


class Command(BaseCommand):
    help = "Check that the database answers and the home page renders (for container health)."

    def handle(self, *args, **options):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:
            raise CommandError(f"database: {exc}") from exc
        host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
        response = Client(raise_request_exception=False).get("/", HTTP_HOST=host, secure=True)
        if response.status_code != 200:
            raise CommandError(f"home page: HTTP {response.status_code}")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS("ok"))
