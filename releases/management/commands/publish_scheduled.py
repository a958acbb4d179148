"""Record scheduled releases whose time has come as published, and renew cached pages.

The public pages do not wait for this: a scheduled release is live from its time on.
This records the change (status and history), starts a new generation of cached pages
and queues the e-mail alerts.
Run it every minute (docker-compose.yml has a service for it). Runs that overlap (two
scheduler replicas, a manual run beside the service) record each release once: it is
locked while it is recorded (SKIP LOCKED on PostgreSQL) and looked at again.
"""

import reversion
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from releases import audit, page_cache
from releases.alerts.delivery import announce
from releases.models import AuditEvent, Release


class Command(BaseCommand):
    help = "Mark scheduled releases whose publication time has passed as published."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what is due.")

    def handle(self, *args, **options):
        now = timezone.now()
        due = Release.objects.filter(status=Release.Status.SCHEDULED, published_at__lte=now)
        if options["dry_run"]:
            for release in due:
                self.stdout.write(f"due: {release.pk} {release}")
            return
        published = 0
        for pk in list(due.values_list("pk", flat=True)):
            with transaction.atomic(), reversion.create_revision():
                # Another run or an editor may have got there first: lock and look again.
                release = due.select_for_update(skip_locked=True).filter(pk=pk).first()
                if release is None:
                    continue
                # Only the status changes: not the edit number (an editor's open form stays
                # valid) and not the time of the last edit (feeds and sitemaps read it).
                Release.objects.filter(pk=release.pk).update(status=Release.Status.PUBLISHED)
                release.refresh_from_db()
                reversion.add_to_revision(release)
                with translation.override(settings.LANGUAGE_CODE):
                    reversion.set_comment(gettext("Published on schedule"))
                audit.record(
                    None,
                    AuditEvent.Action.PUBLISH,
                    release,
                    {"from": Release.Status.SCHEDULED, "to": release.status, "by": "schedule"},
                )
                # E-mail alerts are queued with the change and sent by the worker.
                announce(release)
            published += 1
            if options["verbosity"] >= 2:
                self.stdout.write(f"published: {release.pk} {release}")
        if published:
            # Pages already end their cache life at the publication time; this also
            # renews those a front cache revalidates.
            page_cache.invalidate()
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{published} scheduled release(s) published."))
