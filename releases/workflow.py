"""How a release moves from draft to the public, and who may move it.

Press officers draft and submit; editors publish, schedule, send back and archive.
Every rule is checked here, on the server, whatever a form offered.

What a release under review or on the public site shows (its photos, officials and their
positions, tags and countries) is the editors' to change as well: the same photo or
name appears in every release that uses it, so changing it changes what they approved.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from releases.languages import LANGUAGES, localized

from . import audit
from .alerts.delivery import announce_when_saved
from .models import Block, Country, Official, Photo, Position, Release, Tag

Status = Release.Status


@dataclass(frozen=True)
class Transition:
    """One step of the workflow: from which statuses, to which, and with whose permission.

    A step that needs more of the release (a time, a comment, a reason) says so in
    ``check``; one that changes more than the status does it in ``run``.
    """

    name: str
    label: str
    sources: tuple
    target: str
    permission: str

    def allowed(self, user, release) -> bool:
        status = release.status if release.pk else Status.DRAFT
        return status in self.sources and user.has_perm(self.permission)

    def check(self, release, now) -> dict:
        """What ``release`` lacks for this step, as errors by field."""
        return {}

    def check_body(self, release, blocks) -> list:
        """What the body ``blocks`` (saved or about to be) lack for this step."""
        return []

    def run(self, release, user, now):
        audit.record_when_saved(release, user, self.name, self.audit_details(release))
        release.status = self.target

    def audit_details(self, release) -> dict:
        return {"from": release.status, "to": self.target}


class Submit(Transition):
    """An editor's queue holds releases worth reading: a title, a lead and a body, at
    least in the language the release is written in."""

    def check(self, release, now):
        language = release.source_language
        missing = {
            "title": _("A release sent for review needs a title in its original language."),
            "lead": _("A release sent for review needs a lead in its original language."),
        }
        return {
            f"{field}_{language}": message
            for field, message in missing.items()
            if not (localized(release, field, language) or "").strip()
        }

    def check_body(self, release, blocks):
        language = release.source_language
        if any(
            # A video's title alone is not a text worth an editor's reading.
            block.kind in (Block.Kind.PARAGRAPH, Block.Kind.QUOTE)
            and (localized(block, "text", language) or "").strip()
            for block in blocks
        ):
            return []
        return [
            _(
                "A release sent for review needs at least one paragraph or quote "
                "written in its original language."
            )
        ]

    def run(self, release, user, now):
        # The editor's comment was on the version sent back; this one is reviewed afresh.
        release.review_comment = ""
        super().run(release, user, now)


class Publish(Transition):
    def run(self, release, user, now):
        if release.published_at is None or release.published_at > now:
            release.published_at = now
        super().run(release, user, now)
        # Subscribers get it from the worker, once the publication is saved.
        announce_when_saved(release)


class Schedule(Transition):
    def check(self, release, now):
        if not release.published_at or release.published_at <= now:
            return {
                "published_at": _("A scheduled release needs a publication time in the future.")
            }
        return {}


class Reject(Transition):
    def check(self, release, now):
        if not release.review_comment.strip():
            return {"review_comment": _("Tell the author what to change.")}
        return {}

    def audit_details(self, release):
        return {**super().audit_details(release), "comment": release.review_comment}


class Archive(Transition):
    def check(self, release, now):
        if not release.archive_mode:
            return {"archive_mode": _("Choose what happens to the page once archived.")}
        if release.archive_mode != Release.ArchiveMode.NOTICE:
            return {}
        # Readers of each language the release is public in see the reason.
        return {
            f"archive_reason_{code}": _("Give the reason shown with the notice.")
            for code in LANGUAGES
            if release.is_complete_in(code) and not localized(release, "archive_reason", code)
        }


TRANSITIONS = {
    t.name: t
    for t in [
        Submit(
            "submit",
            _("Send for review"),
            (Status.DRAFT,),
            Status.IN_REVIEW,
            "releases.change_release",
        ),
        Publish(
            "publish",
            _("Publish now"),
            (Status.DRAFT, Status.IN_REVIEW, Status.SCHEDULED),
            Status.PUBLISHED,
            "releases.publish_release",
        ),
        Schedule(
            "schedule",
            _("Schedule for the publication time"),
            (Status.DRAFT, Status.IN_REVIEW, Status.SCHEDULED),
            Status.SCHEDULED,
            "releases.publish_release",
        ),
        Reject(
            "reject",
            _("Send back to the author for changes"),
            (Status.IN_REVIEW, Status.SCHEDULED),
            Status.DRAFT,
            "releases.publish_release",
        ),
        Archive(
            "archive",
            pgettext_lazy("a step of the workflow", "Archive"),
            (Status.PUBLISHED, Status.SCHEDULED),
            Status.ARCHIVED,
            "releases.archive_release",
        ),
        Transition(
            "unarchive",
            _("Bring back from the archive"),
            (Status.ARCHIVED,),
            Status.PUBLISHED,
            "releases.archive_release",
        ),
    ]
}


def body_errors(name: str, release, blocks) -> list:
    """What transition ``name`` finds lacking in the body ``blocks`` of ``release``."""
    transition = TRANSITIONS.get(name)
    return transition.check_body(release, blocks) if transition else []


def available(user, release) -> list[Transition]:
    """The transitions ``user`` may apply to ``release`` in its current state."""
    return [t for t in TRANSITIONS.values() if t.allowed(user, release)]


def is_editor(user) -> bool:
    return user.has_perm("releases.publish_release")


def is_translator_only(user) -> bool:
    """Translators edit the other language of a release and nothing else."""
    return user.has_perm("releases.translate_release") and not user.has_perm(
        "releases.add_release"
    )


def may_edit(user, release) -> bool:
    """Whether ``user`` may save changes to ``release`` at all (fields aside)."""
    if is_editor(user):
        return True
    if is_translator_only(user):
        return release.status != Status.ARCHIVED
    if not user.has_perm("releases.change_release"):
        return False
    # A press officer works on their own drafts; once submitted, the editor has it.
    return release.pk is None or (
        release.created_by_id == user.pk and release.status == Status.DRAFT
    )


def may_see_preview_links(user, release) -> bool:
    """Preview links open a release to anyone holding one: its author's and editors' to share."""
    if not (release and release.pk and user.has_perm("releases.view_previewlink")):
        return False
    return is_editor(user) or release.created_by_id == user.pk


def releases_in_editors_hands():
    """Releases whose content editors have approved or are approving.

    In review, scheduled, published, or archived with a notice (the page still shows
    it). Drafts are their author's; a release archived with a redirect shows nothing.
    """
    return Release.objects.filter(
        Q(status__in=(Status.IN_REVIEW, Status.SCHEDULED, Status.PUBLISHED))
        | (Q(status=Status.ARCHIVED) & ~Q(archive_mode=Release.ArchiveMode.REDIRECT))
    )


def shown_by_releases_in_editors_hands(obj) -> bool:
    """Whether a photo, official, position, tag or country is shown by such a release."""
    if obj is None or obj.pk is None:
        return False
    releases = releases_in_editors_hands()
    if isinstance(obj, Photo):
        # A photo also keeps its own public page while any release on record shows it.
        shown = Photo.objects.filter(
            Q(pk__in=releases.values("hero_photo"))
            | Q(pk__in=Block.objects.filter(release__in=releases).values("photo"))
            | Q(pk__in=Photo.objects.on_record().values("pk"))
        )
    elif isinstance(obj, Position):
        return shown_by_releases_in_editors_hands(obj.official)
    elif isinstance(obj, Official):
        shown = Official.objects.named_in(releases)
    elif isinstance(obj, Tag):
        shown = Tag.objects.used_in(releases)
    elif isinstance(obj, Country):
        # Listed by a release, or the country of a position of an official one names.
        listed = Release.countries.through.objects.filter(release__in=releases)
        held = Position.objects.filter(official__in=Official.objects.named_in(releases))
        shown = Country.objects.filter(
            Q(pk__in=listed.values("country_id")) | Q(pk__in=held.values("country_id"))
        )
    else:
        raise TypeError(f"not a shared material: {type(obj).__name__}")
    return shown.filter(pk=obj.pk).exists()


def may_change_shared(user, obj) -> bool:
    """Whether ``user`` may change or delete ``obj``, a material releases share.

    Anyone with the model permission may change what no release in review, scheduled,
    published or archived with a notice shows; once one does, only editors may: a press
    officer's change would go live unreviewed. ``obj`` None (a new one) is anyone's.
    """
    if is_editor(user):
        return True
    return not shown_by_releases_in_editors_hands(obj)


BODY = "blocks"


def apply(release, name: str, user, *, now=None, blocks=None):
    """Move ``release`` by transition ``name``, or raise if ``user`` may not or it cannot.

    The body checked is ``blocks`` (a form's blocks about to be saved) or, when None, the
    release's saved blocks; its errors are under ``BODY``. A form whose blocks are
    checked by their own formset passes ``blocks=False`` and checks them there, with
    ``body_errors``.
    """
    transition = TRANSITIONS.get(name)
    if transition is None or not transition.allowed(user, release):
        raise PermissionDenied(_("You may not do this with this release."))
    now = now or timezone.now()
    errors = transition.check(release, now)
    if blocks is not False:
        if blocks is None:
            blocks = list(release.blocks.all()) if release.pk else []
        body = transition.check_body(release, blocks)
        if body:
            errors = {**errors, BODY: body}
    if errors:
        raise ValidationError(errors)
    transition.run(release, user, now)
    return transition
