"""Export everything as one ``mod-press/1`` document with the photo files beside it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from releases.interchange import export_document

from ._progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Write releases.json (mod-press/1) and the photo files into DIR: every release in "
        "every status and language, officials with positions, countries, tags and photos."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Folder to write into (created if missing).")

    def handle(self, *args, **options):
        target = Path(options["directory"])
        if (target / "releases.json").exists() and any(target.iterdir()):
            raise CommandError(f"{target} already holds an export; choose an empty folder.")
        bar = ProgressBar(self.stdout, "export") if options["verbosity"] >= 1 else None
        counts = export_document(target, progress=bar)
        if bar:
            bar.finish()
        if options["verbosity"] >= 1:
            summary = ", ".join(f"{kind} {n}" for kind, n in counts.items())
            self.stdout.write(
                self.style.SUCCESS(f"Exported to {target / 'releases.json'}: {summary}.")
            )
