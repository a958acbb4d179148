"""Throw away every photo rendition and draw them all again, e.g. after a change of sizes.

Photos stored before working copies existed get theirs first (``--working-copies-only``
does only that, and keeps the renditions: the step to run after upgrading).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from releases.models import Photo, Rendition
from releases.photos.models import FORMATS


class Command(BaseCommand):
    help = (
        "Make the missing working copies of photos, delete all photo renditions and make "
        "every configured size again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be done.")
        parser.add_argument(
            "--working-copies-only",
            action="store_true",
            help="Only make the working copies that are missing; keep the renditions.",
        )

    def handle(self, *args, **options):
        photos = list(Photo.objects.exclude(image=""))
        if options["dry_run"]:
            count = sum(len(p.all_rendition_specs()) * len(FORMATS) for p in photos)
            needing = sum(p.needs_working_copy for p in photos)
            self.stdout.write(
                f"Would make the missing working copies of {needing} large photos"
                + (
                    ""
                    if options["working_copies_only"]
                    else f", delete {Rendition.objects.count()} renditions and make {count}"
                )
                + f" for {len(photos)} photo{'s' if len(photos) != 1 else ''}."
            )
            return
        made = 0
        for done, photo in enumerate(photos, start=1):
            made += photo.make_working_copy()
            if options["working_copies_only"]:
                self.progress(done, len(photos), photo.code, options["verbosity"])
        if options["working_copies_only"]:
            if options["verbosity"] >= 1:
                self.stdout.write(self.style.SUCCESS(f"{made} working copies made."))
            return
        with transaction.atomic():
            Rendition.objects.all().delete()
        for done, photo in enumerate(photos, start=1):
            for spec in photo.all_rendition_specs():
                for extension in FORMATS:
                    photo.make_rendition(spec, extension)
            self.progress(done, len(photos), photo.code, options["verbosity"])
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Renditions made for {len(photos)} photos ({made} working copies made)."
                )
            )

    def progress(self, done, total, code, verbosity):
        if verbosity < 1:
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} {code:<20}", ending="")
        if done == total:
            self.stdout.write("")
