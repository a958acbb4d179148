"""Take back the photo uploads a worker took and never finished.

A file stays "processing" past PHOTO_UPLOAD_TIMEOUT seconds only when the worker that
had it stopped (killed, out of memory, the machine restarted). Each is queued again for
another attempt, or marked failed with the reason once it has had PHOTO_UPLOAD_ATTEMPTS.
The scheduler service runs this every minute; the worker also runs it before each file.
"""

from django.core.management.base import BaseCommand

from releases.models import PhotoUpload
from releases.photos import uploads


class Command(BaseCommand):
    help = "Retry, or mark failed, photo uploads whose worker stopped before finishing them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only list the uploads that would be taken back.",
        )

    def handle(self, *args, **options):
        if options["dry_run"]:
            for upload in PhotoUpload.objects.stale():
                self.stdout.write(
                    f"stale: {upload.pk} {upload.name} (attempts: {upload.attempts})"
                )
            return
        counts = uploads.recover()
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{counts['retried']} upload(s) queued again, {counts['failed']} failed."
                )
            )
