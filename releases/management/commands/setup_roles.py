"""Create the press office's groups (press officer, editor, translator) with their rights."""

from django.core.management.base import BaseCommand

from releases.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = "Create or update the Press officer, Editor and Translator groups. Safe to rerun."

    def handle(self, *args, **options):
        ensure_roles()
        if options["verbosity"] >= 1:
            for name, permissions in ROLES.items():
                self.stdout.write(f"{name}: {len(permissions)} permissions")
