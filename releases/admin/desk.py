"""The press staff's desk: what awaits each role, on the admin home and in its menu.

Editors see what awaits review (oldest first, who sent it and when) and what is
scheduled next; press officers their own drafts, those sent back with the editor's
comment first; translators their worklist. Each costs a fixed number of queries,
whatever the number of releases.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.fields import CharField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from releases import workflow
from releases.languages import LANGUAGES
from releases.models import AuditEvent, Release

from .releases import needs_translation, translation_worklist

Status = Release.Status
# How many rows each list of the desk shows; the release list holds the rest.
SHOWN = 15


def role_of(user) -> str | None:
    """Which desk ``user`` sits at: "editor", "officer", "translator" or None."""
    if workflow.is_editor(user):
        return "editor"
    if user.has_perm("releases.add_release"):
        return "officer"
    if workflow.is_translator_only(user):
        return "translator"
    return None


def last_submission(field):
    """``field`` of the latest "sent for review" record of each release (a subquery)."""
    return Subquery(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.SUBMIT,
            # By name, in the subquery: no query of its own for the content type.
            content_type__app_label=Release._meta.app_label,
            content_type__model=Release._meta.model_name,
            object_id=Cast(OuterRef("pk"), CharField()),
        )
        .order_by("-time", "-pk")
        .values(field)[:1]
    )


def awaiting_review():
    """Releases in review, the longest waiting first, with ``sent_at`` and ``sent_by``."""
    return (
        Release.objects.filter(status=Status.IN_REVIEW)
        .annotate(
            sent_at=Coalesce(last_submission("time"), "updated_at"),
            sent_by=Coalesce(last_submission("username"), "updated_by__username"),
        )
        .order_by("sent_at", "pk")
    )


def scheduled_next(now=None):
    """Scheduled releases not yet live, the soonest first."""
    return Release.objects.filter(
        status=Status.SCHEDULED, published_at__gt=now or timezone.now()
    ).order_by("published_at", "pk")


def own_drafts(user):
    """``user``'s drafts, those an editor sent back (with a comment) first, then the newest."""
    return Release.objects.filter(created_by=user, status=Status.DRAFT).order_by(
        "-updated_at", "-pk"
    )


def dashboard(user) -> dict:
    """What the admin home shows ``user``: their role and its lists."""
    role = role_of(user)
    desk = {"role": role}
    if role == "editor":
        desk["awaiting"] = list(awaiting_review()[:SHOWN])
        desk["scheduled"] = list(scheduled_next()[:SHOWN])
    elif role == "officer":
        drafts = list(own_drafts(user)[:SHOWN])
        desk["returned"] = [r for r in drafts if r.review_comment.strip()]
        desk["drafts"] = [r for r in drafts if not r.review_comment.strip()]
    elif role == "translator":
        desk["worklist"] = translation_worklist(limit=SHOWN)
    return desk


def waiting_count(user) -> tuple[int, str]:
    """How much awaits ``user`` (one query), and how the admin menu says it."""
    role = role_of(user)
    if role == "editor":
        count = Release.objects.filter(status=Status.IN_REVIEW).count()
        return count, ngettext("%(count)s awaiting review", "%(count)s awaiting review", count)
    if role == "officer":
        count = own_drafts(user).exclude(review_comment="").order_by().count()
        return count, ngettext("%(count)s sent back to you", "%(count)s sent back to you", count)
    if role == "translator":
        totals = Release.objects.aggregate(
            **{lang: Count("pk", filter=needs_translation(lang)) for lang in LANGUAGES}
        )
        count = sum(totals.values())
        return count, ngettext("%(count)s to translate", "%(count)s to translate", count)
    return 0, ""
