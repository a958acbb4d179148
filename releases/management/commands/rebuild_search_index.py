"""Rebuild every release's search documents, e.g. after an upgrade changed how words are
reduced (the lemma sets of pymorphy3 replaced the old roots)."""

from django.core.management.base import BaseCommand, CommandError

from releases.models import Release, SearchDocument
from releases.search import BATCH_SIZE, index_releases

from ._progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Rebuild the search documents of every release, in batches. Safe to repeat and to "
        "run while the site is up: each batch replaces its documents in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Releases per batch (default {BATCH_SIZE}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many releases would be indexed."
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        releases = Release.objects.all()
        if options["dry_run"]:
            if verbosity >= 1:
                self.stdout.write(
                    f"Would rebuild the search documents of {releases.count()} releases "
                    f"(now {SearchDocument.objects.count()} documents)."
                )
            return
        bar = ProgressBar(self.stdout, "search index") if verbosity >= 1 else None
        count = index_releases(releases, batch_size=options["batch_size"], progress=bar)
        if bar:
            bar.finish()
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Search documents rebuilt for {count} releases.")
            )
