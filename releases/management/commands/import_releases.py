"""Import releases from a ``mod-press/1`` document."""

from django.core.management.base import BaseCommand, CommandError

from releases.interchange import Importer, ImportFailed


class Command(BaseCommand):
    help = "Import releases, officials, countries, photos and tags from a mod-press/1 JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the JSON document.")

    def handle(self, *args, **options):
        try:
            summary = Importer(options["file"]).run()
        except ImportFailed as exc:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  {e}" for e in exc.errors)
            ) from exc
        if options["verbosity"] >= 1:
            for outcome in ("created", "updated", "unchanged"):
                counts = getattr(summary, outcome)
                if counts:
                    line = ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items()))
                    self.stdout.write(f"{outcome}: {line}")
            if summary.changed:
                self.stdout.write(self.style.SUCCESS("Import finished."))
            else:
                self.stdout.write(self.style.SUCCESS("Nothing to change: already up to date."))
