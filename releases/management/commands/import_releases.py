"""Import releases from a ``mod-press/1`` document: all or nothing, safe to repeat."""

from django.core.management.base import BaseCommand, CommandError

from releases.interchange import Importer, ImportFailed

from ._progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import releases, officials, countries, photos and tags from a mod-press/1 JSON file. "
        "Records are matched by key and code; importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="Path to the JSON document; file paths inside are relative to it."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report, but write nothing.",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        bar = ProgressBar(self.stdout, "import") if verbosity >= 1 else None
        importer = Importer(options["file"], dry_run=options["dry_run"], progress=bar)
        try:
            summary = importer.run()
        except ImportFailed as exc:
            if bar:
                bar.finish()
            lines = "\n".join(f"  {error}" for error in exc.errors)
            raise CommandError(
                f"Nothing was imported: {len(exc.errors)} problem(s) in the document.\n{lines}"
            ) from exc
        if bar:
            bar.finish()
        if verbosity >= 1:
            for line in summary.lines():
                self.stdout.write(line)
            if options["dry_run"]:
                self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
            elif summary.changed:
                self.stdout.write(self.style.SUCCESS("Import finished."))
            else:
                self.stdout.write(self.style.SUCCESS("Nothing to change: already up to date."))
