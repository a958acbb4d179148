"""Queue again the e-mail alerts whose sending stopped with a worker that died.

Each alert's next batch is queued by the one before; a worker killed mid-batch takes that
chain with it. Run every minute by the ``scheduler`` service of docker-compose.yml: an
alert whose work is ``ALERTS_RESUME_AFTER`` seconds late is queued again, and what its
dead batch held is sent once the batch's lease (``ALERTS_SENDING_LEASE``) has run out.
"""

from django.core.management.base import BaseCommand

from releases.alerts.delivery import overdue_alerts, resume


class Command(BaseCommand):
    help = "Queue again the e-mail alerts whose sending stopped with its worker."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what is late.")

    def handle(self, *args, **options):
        if options["dry_run"]:
            late = overdue_alerts().count()
            if options["verbosity"] >= 1:
                self.stdout.write(f"{late} e-mail alert(s) would be queued again.")
            return
        queued = resume()
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{queued} e-mail alert(s) queued again."))
