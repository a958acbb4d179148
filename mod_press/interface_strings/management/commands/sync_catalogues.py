"""Bring the interface strings of a new version into catalogues translators have edited.

In docker-compose the catalogues live on a volume, so that translations made in the
browser survive a new image. A new image may bring new strings and translations of its
own: this merges them in. A translation made in the browser wins over the shipped one;
strings the code no longer has are dropped.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mod_press.interface_strings.catalogues import catalogue_path, save_catalogue
from releases import page_cache


class Command(BaseCommand):
    help = "Merge the catalogues shipped in DIR into the live ones (locale/), keeping edits."

    def add_arguments(self, parser):
        parser.add_argument("shipped", help="The locale folder of the new version.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would change."
        )

    def handle(self, *args, **options):
        shipped_root = Path(options["shipped"])
        for code, _name in settings.LANGUAGES:
            shipped_path = shipped_root / code / "LC_MESSAGES" / "django.po"
            live_path = catalogue_path(code)
            if not shipped_path.exists():
                raise CommandError(f"{shipped_path} is missing")
            if not live_path.exists():
                live_path.parent.mkdir(parents=True, exist_ok=True)
                live_path.write_bytes(shipped_path.read_bytes())
                self.stdout.write(f"{code}: catalogue installed")
                continue
            kept, added = self.merge(polib.pofile(str(shipped_path)), polib.pofile(str(live_path)))
            self.stdout.write(f"{code}: {kept} edited translations kept, {added} new strings")
            if not options["dry_run"]:
                merged = polib.pofile(str(shipped_path))
                self.apply(merged, polib.pofile(str(live_path)))
                save_catalogue(merged, live_path)
                merged.save_as_mofile(str(live_path.with_suffix(".mo")))
        if not options["dry_run"]:
            # A new version is being deployed: its pages replace every cached one.
            page_cache.invalidate()

    @staticmethod
    def key(entry):
        return (entry.msgctxt, entry.msgid)

    def merge(self, shipped, live):
        live_entries = {self.key(e): e for e in live if e.translated()}
        kept = sum(
            1
            for e in shipped
            if self.key(e) in live_entries
            and (live_entries[self.key(e)].msgstr, live_entries[self.key(e)].msgstr_plural)
            != (e.msgstr, e.msgstr_plural)
        )
        added = sum(1 for e in shipped if self.key(e) not in {self.key(x) for x in live})
        return kept, added

    def apply(self, shipped, live):
        """Put the live translations into the shipped catalogue, entry by entry."""
        live_entries = {self.key(e): e for e in live if e.translated()}
        for entry in shipped:
            edited = live_entries.get(self.key(entry))
            if edited is None:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = dict(edited.msgstr_plural)
            else:
                entry.msgstr = edited.msgstr
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
