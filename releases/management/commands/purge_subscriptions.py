"""Delete e-mail subscriptions never confirmed once their confirmation link has expired.

An address someone typed and nobody confirmed is kept no longer than the link to confirm
it (``ALERTS_CONFIRM_DAYS``). Run it daily or more often (the ``scheduler`` service of
docker-compose.yml runs it every minute, where it usually finds nothing).
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from releases.models import Subscription


class Command(BaseCommand):
    help = "Delete e-mail subscriptions not confirmed within ALERTS_CONFIRM_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what is due.")

    def handle(self, *args, **options):
        moment = timezone.now() - timedelta(days=settings.ALERTS_CONFIRM_DAYS)
        expired = Subscription.objects.unconfirmed_since(moment)
        if options["dry_run"]:
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"{expired.count()} unconfirmed subscription(s) would be deleted."
                )
            return
        with transaction.atomic():
            _total, by_model = expired.delete()
        deleted = by_model.get(Subscription._meta.label, 0)
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"{deleted} unconfirmed subscription(s) deleted.")
            )
