"""Throw away every photo rendition and draw them all again, e.g. after a change of sizes.

Photos stored before working copies existed get theirs first (``--working-copies-only``
does only that, and keeps the renditions: the step to run after upgrading). The work is
in ``releases.photos.renditions``.
"""

from django.core.management.base import BaseCommand

from releases.models import Rendition
from releases.photos import renditions

from ._progress import ProgressBar


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
        photos = renditions.photos_with_files()
        copies_only = options["working_copies_only"]
        if options["dry_run"]:
            needing = sum(p.needs_working_copy for p in photos)
            count = renditions.renditions_to_draw(photos)
            self.stdout.write(
                f"Would make the missing working copies of {needing} large photos"
                + (
                    ""
                    if copies_only
                    else f", delete {Rendition.objects.count()} renditions and make {count}"
                )
                + f" for {len(photos)} photo{'s' if len(photos) != 1 else ''}."
            )
            return
        verbose = options["verbosity"] >= 1
        if copies_only:
            bar = self.progress_bar("working copies", verbose)
            made = renditions.make_working_copies(photos, progress=bar)
            if verbose:
                bar.finish()
                self.stdout.write(self.style.SUCCESS(f"{made} working copies made."))
            return
        made = renditions.make_working_copies(photos)
        bar = self.progress_bar("renditions", verbose)
        renditions.redraw_renditions(photos, progress=bar)
        if verbose:
            bar.finish()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Renditions made for {len(photos)} photos ({made} working copies made)."
                )
            )

    def progress_bar(self, label, verbose):
        # Each photo takes long enough to deserve a bar, however few there are.
        return ProgressBar(self.stdout, label, minimum=1) if verbose else None
