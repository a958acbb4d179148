"""Press releases and the ordered blocks of their body."""

import hashlib
from collections import defaultdict
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from releases import limits, video
from releases.languages import LANGUAGES, localized, localized_names
from releases.photos.models import Photo
from releases.text import (
    PHOTO_CODE_RE,
    clean_inline_html,
    plain_line,
    strip_quote_marks,
    unique_slug,
)

from .people import Country, Official
from .slugs import fill_translated_slugs, translated_url
from .tags import TaggedRelease


def _filled(field: str) -> Q:
    """A text column that is neither NULL nor empty."""
    return Q(**{f"{field}__gt": ""})


def complete_in(language: str) -> Q:
    """The one definition of "this release exists in ``language``".

    Its title and lead, the text of every paragraph and quote of its body and the title
    of every video, are written in that language; every photo it shows is described (alt
    text), every official it names or quotes is named in it, and every document it
    carries is titled in it (the list of documents is part of the page, like a caption).
    (A video's poster need not be described: the video's title says what it shows.)

    Evaluating it costs six correlated subqueries per release, so pages never do: each
    release stores the result in ``complete_<language>``, kept by
    ``ReleaseQuerySet.refresh_completeness()`` whenever something it reads changes. The
    condition joins no table, so that an UPDATE can evaluate it.
    """
    untranslated_block = Block.objects.filter(
        release=OuterRef("pk"), kind__in=Block.TEXT_KINDS
    ).exclude(_filled(f"text_{language}"))
    photo_without_alt = Block.objects.filter(
        release=OuterRef("pk"), kind=Block.Kind.PHOTO
    ).exclude(_filled(f"photo__alt_{language}"))
    hero_described = Q(hero_photo__isnull=True) | Exists(
        Photo.objects.filter(pk=OuterRef("hero_photo")).filter(_filled(f"alt_{language}"))
    )
    unnamed_quoted = Block.objects.filter(release=OuterRef("pk"), kind=Block.Kind.QUOTE).exclude(
        _filled(f"official__name_{language}")
    )
    unnamed_official = Release.officials.through.objects.filter(release=OuterRef("pk")).exclude(
        _filled(f"official__name_{language}")
    )
    # Defined after the release, in models/documents.py: named, not imported back.
    untitled_document = (
        apps.get_model("releases", "Document")
        .objects.filter(release=OuterRef("pk"))
        .exclude(_filled(f"title_{language}"))
    )
    return (
        _filled(f"title_{language}")
        & _filled(f"lead_{language}")
        & hero_described
        & ~Exists(untranslated_block)
        & ~Exists(photo_without_alt)
        & ~Exists(unnamed_quoted)
        & ~Exists(unnamed_official)
        & ~Exists(untitled_document)
    )


def completeness_field(language: str) -> str:
    """The column that stores ``complete_in(language)`` for each release."""
    return f"complete_{language}"


def defined_complete(language: str) -> Case:
    """``complete_in(language)`` as a value of each release, for an UPDATE or a SELECT."""
    return Case(
        When(complete_in(language), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


class ReleaseQuerySet(models.QuerySet):
    def published(self, now=None):
        """Live by status and clock, in any language: not archived, and not checked for
        a complete language version (that is ``public()``).

        A scheduled release is live from its time on, whether or not the scheduler has
        run yet: the clock decides, so a release is never late.
        """
        return self.filter(
            status__in=Release.LIVE_STATUSES, published_at__lte=now or timezone.now()
        )

    def on_record(self, now=None):
        """``published()`` plus the archived: every release whose address answers (an
        archived one with its notice or redirect), in any language."""
        return self.filter(
            Q(status__in=Release.LIVE_STATUSES) | Q(status=Release.Status.ARCHIVED),
            published_at__lte=now or timezone.now(),
        )

    def complete_in(self, language):
        """Complete in ``language`` by its stored flag (see ``complete_in()``), whatever
        its status or time: drafts too."""
        return self.filter(**{completeness_field(language): True})

    def public(self, language=None):
        """``published()`` and ``complete_in(language)``: what a reader of the
        ``language`` site (the active one by default) may see listed and found."""
        return self.published().complete_in(language or translation.get_language())

    def leading(self, count, language=None):
        """The home page's releases: the lead, then up to ``count`` newest others.

        The lead is the newest public release an editor featured, or the newest public
        release when none is: a featured release that is not public in ``language``
        (a draft, scheduled for later, archived, not translated) never leads. One query
        (the lead and the newest are read by two subqueries), however old the lead is.
        """
        public = self.public(language)
        featured = public.filter(featured=True).order_by("-published_at", "-pk")
        releases = list(
            public.filter(
                Q(pk__in=featured.values("pk")[:1]) | Q(pk__in=public.values("pk")[: count + 1])
            ).order_by("-published_at", "-pk")
        )
        lead = next((r for r in releases if r.featured), releases[0] if releases else None)
        return lead, [r for r in releases if r is not lead][:count]

    def naming(self, official):
        """Releases that list ``official`` or quote them: each once, without DISTINCT.

        Two subqueries rather than a join of both paths, which would repeat a release
        once per matching row and make every list that uses it sort whole rows to
        remove the repeats.
        """
        listed = Release.officials.through.objects.filter(official=official)
        quoted = Block.objects.filter(official=official)
        return self.filter(
            Q(pk__in=listed.values("release_id")) | Q(pk__in=quoted.values("release_id"))
        )

    def refresh_completeness(self, *, only_stale: bool = True) -> int:
        """Store ``complete_in()`` anew for those of these releases whose flags are stale.

        One SELECT computes the definition for each release; only the releases whose
        stored flags differ are written, grouped by their new flags (so the repair after
        every ``migrate`` leaves an archive that is right untouched). Saves keep the flags
        by themselves (``releases.signals``); a bulk write that sends no signals calls this
        on what it wrote, inside its transaction, with ``only_stale=False``: one UPDATE
        of every row, which it has just written anyway. Returns how many releases changed
        (with ``only_stale=False``: how many were written).
        """
        fields = [completeness_field(language) for language in LANGUAGES]
        defined = {f"defined_{language}": defined_complete(language) for language in LANGUAGES}
        if not only_stale:
            return self.update(**dict(zip(fields, defined.values(), strict=True)))
        rows = self.order_by().annotate(**defined).values_list("pk", *fields, *defined)
        stale = defaultdict(list)
        for pk, *flags in rows:
            stored, now = tuple(flags[: len(fields)]), tuple(flags[len(fields) :])
            if stored != now:
                stale[now].append(pk)
        for now, pks in stale.items():
            for start in range(0, len(pks), 500):
                Release.objects.filter(pk__in=pks[start : start + 500]).update(
                    **dict(zip(fields, now, strict=True))
                )
        return sum(len(pks) for pks in stale.values())


class Release(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class ArchiveMode(models.TextChoices):
        NOTICE = "notice", _("Keep the page, with a notice")
        REDIRECT = "redirect", _("Remove the page and redirect its addresses")

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        ANNOUNCEMENT = "announcement", _("Announcement")
        STATEMENT = "statement", _("Statement")
        PRESS_CONFERENCE = "press_conference", _("Press conference")

    LIVE_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)

    key = models.SlugField(
        _("key"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("A stable identifier used by import and export. Filled in automatically."),
    )
    title = models.CharField(_("title"), max_length=limits.TITLE, blank=True)
    lead = limits.LimitedTextField(
        _("lead"),
        blank=True,
        help_text=_("One or two sentences that sum up the release."),
        max_length=limits.LEAD,
    )
    slug = models.SlugField(
        _("address (slug)"),
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The last part of the page address. Made from the title when left empty."),
        error_messages={"unique": _("Another release already uses this address.")},
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.NEWS,
        help_text=_("Shown on the release and its card; readers filter the list by it."),
    )
    featured = models.BooleanField(
        _("featured on the home page"),
        default=False,
        help_text=_(
            "The newest featured release leads the home page once it is public in the "
            "page's language; without one, the newest release leads. Editors only."
        ),
    )
    source_language = models.CharField(
        _("written in"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the release is written in; the other one is its translation."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_(
            "Kyiv time. The moment a scheduled release goes live; set to now when a release "
            "is published without a time. The public date of the release."
        ),
    )
    review_comment = limits.LimitedTextField(
        _("editor's comment"),
        blank=True,
        help_text=_("Why the release was sent back for changes."),
        max_length=limits.REVIEW_COMMENT,
    )
    archive_mode = models.CharField(
        _("when archived"), max_length=10, choices=ArchiveMode.choices, blank=True
    )
    archive_reason = limits.LimitedTextField(
        _("reason for archiving"),
        blank=True,
        help_text=_("Shown on the page with the notice."),
        max_length=limits.ARCHIVE_REASON,
    )
    archive_target = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("redirect to"),
        help_text=_("The release its addresses lead to once archived; the list if empty."),
    )
    edit_version = models.PositiveIntegerField(_("edit number"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("last saved by"),
    )
    text_changed = models.DateTimeField(
        _("text last changed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the texts in this language last changed: the translation status."),
    )
    text_hash = models.CharField(max_length=64, blank=True, editable=False)
    # complete_in() of each language, stored; see ReleaseQuerySet.refresh_completeness().
    complete_uk = models.BooleanField(_("complete in Ukrainian"), default=False, editable=False)
    complete_en = models.BooleanField(_("complete in English"), default=False, editable=False)
    hero_photo = models.ForeignKey(
        Photo,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hero_of",
        verbose_name=_("main photo"),
    )
    officials = models.ManyToManyField(
        Official, blank=True, related_name="releases", verbose_name=_("officials")
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="releases", verbose_name=_("partner countries")
    )
    tags = TaggableManager(
        through=TaggedRelease,
        blank=True,
        verbose_name=_("tags"),
        # taggit's default speaks of a comma-separated list; the admin offers a search.
        help_text=_("Type a few letters of a tag's name and choose it from the list."),
        ordering=["name_uk", "pk"],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        permissions = [
            ("publish_release", _("Can publish, schedule and send back releases")),
            ("archive_release", _("Can archive and restore archived releases")),
            ("restore_release", _("Can restore an earlier version of a release")),
            ("translate_release", _("Can edit the translation of a release")),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="release_status_published_idx"),
            # Lists walk the public releases of one language newest first, and stop.
            *(
                models.Index(
                    fields=["-published_at", "-id"],
                    condition=Q(status__in=["published", "scheduled"])
                    & Q(**{f"complete_{lang}": True}),
                    name=f"release_public_{lang}_idx",
                )
                for lang in ("uk", "en")
            ),
            # The list filtered by kind walks the public releases of that kind newest first.
            *(
                models.Index(
                    fields=["kind", "-published_at", "-id"],
                    condition=Q(status__in=["published", "scheduled"])
                    & Q(**{f"complete_{lang}": True}),
                    name=f"release_public_{lang}_kind_idx",
                )
                for lang in ("uk", "en")
            ),
            # The home page finds the newest featured release among the few featured.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(featured=True),
                name="release_featured_idx",
            ),
            # Search checks thousands of matches for "public in this language" by id: from
            # the index alone on PostgreSQL (which keeps published_at in it), not the rows.
            *(
                models.Index(
                    fields=["id"],
                    include=["published_at"],
                    condition=Q(status__in=["published", "scheduled"])
                    & Q(**{f"complete_{lang}": True}),
                    name=f"release_public_{lang}_id_idx",
                )
                for lang in ("uk", "en")
            ),
        ]

    def __str__(self):
        return self.title or self.title_uk or self.title_en or self.key or "—"

    def save(self, *args, **kwargs):
        for lang in LANGUAGES:
            for field in ("title", "lead"):
                value = localized(self, field, lang)
                if value:
                    setattr(self, f"{field}_{lang}", value.strip())
        fill_translated_slugs(self, "title")
        if not self.key:
            base = self.slug_uk or self.slug_en or "release"
            others = Release.objects.exclude(pk=self.pk)
            self.key = unique_slug(base, lambda s: others.filter(key=s).exists())
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        self.edit_version += 1
        old_slugs = (
            Release.objects.filter(pk=self.pk).values(*localized_names("slug")).first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        self.refresh_completeness()
        for field, old in (old_slugs or {}).items():
            if old and old != getattr(self, field):
                # The old address keeps working: it redirects to the new one.
                SlugHistory.objects.update_or_create(
                    language=field.rsplit("_", 1)[1], slug=old, defaults={"release": self}
                )

    def get_absolute_url(self):
        return translated_url(self, "releases:detail")

    def get_parallel_url(self):
        return translated_url(self, "releases:parallel")

    @property
    def date(self):
        """The release's date in Kyiv: the day its officials' positions are read on."""
        return timezone.localdate(self.published_at or self.created_at or timezone.now())

    @property
    def block_kinds(self) -> set[str]:
        """The kinds of block the body holds, read from the prefetched blocks on a page:
        what it shows tells which scripts it needs (the gallery's, the videos')."""
        return {block.kind for block in self.blocks.all()}

    def is_complete_in(self, language) -> bool:
        return getattr(self, completeness_field(language))

    def refresh_completeness(self):
        """Store ``complete_in()`` of this release anew, in the database and on ``self``."""
        releases = Release.objects.filter(pk=self.pk)
        releases.refresh_completeness()
        fields = [completeness_field(language) for language in LANGUAGES]
        for name, value in releases.values(*fields).first().items():
            setattr(self, name, value)

    # Translation status ------------------------------------------------------------

    class TranslationStatus(models.TextChoices):
        SOURCE = "source", _("original")
        MISSING = "missing", _("missing")
        OUTDATED = "outdated", _("out of date")
        UP_TO_DATE = "up_to_date", _("up to date")

    def text_fingerprint(self, language, blocks=None) -> str:
        """A digest of every text of the release in ``language``, blocks included, and
        the titles of its documents when it has any (so that a release without documents
        keeps the digest it had before releases carried them).

        ``blocks``, the release's blocks in order, spare a query when they are at hand: the
        importer's batches, which bring no documents, and so leave their titles out.
        """
        parts = [localized(self, "title", language) or "", localized(self, "lead", language) or ""]
        if blocks is None:
            texts = (
                Block.objects.filter(release=self)
                .order_by("position", "pk")
                .values_list(f"text_{language}", flat=True)
            )
            titles = list(
                apps.get_model("releases", "Document")
                .objects.filter(release=self)
                .order_by("position", "pk")
                .values_list(f"title_{language}", flat=True)
            )
        else:
            texts = [localized(block, "text", language) for block in blocks]
            titles = []
        parts += [text or "" for text in texts]
        if titles:
            parts += ["\x1d", *(title or "" for title in titles)]
        return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()

    def text_stamp_changes(self, when, blocks=None) -> dict:
        """The stamps to change, per language whose texts differ from its last stamp."""
        changes = {}
        for lang in LANGUAGES:
            digest = self.text_fingerprint(lang, blocks)
            if digest != localized(self, "text_hash", lang):
                changes[f"text_hash_{lang}"] = digest
                changes[f"text_changed_{lang}"] = when
        return changes

    def refresh_text_stamps(self, when=None):
        """Note, per language, when its texts changed.

        Call once the blocks are saved: the admin and restores do (the importer does the
        same for a batch of releases at once).
        """
        changes = self.text_stamp_changes(when or timezone.now())
        if changes:
            for name, value in changes.items():
                setattr(self, name, value)
            # Stamps are bookkeeping: they do not count as an edit of the release.
            Release.objects.filter(pk=self.pk).update(**changes)
        return [name.rsplit("_", 1)[1] for name in changes if name.startswith("text_changed")]

    def translation_status(self, language):
        if language == self.source_language:
            return self.TranslationStatus.SOURCE
        if not self.is_complete_in(language):
            return self.TranslationStatus.MISSING
        source = localized(self, "text_changed", self.source_language)
        translated = localized(self, "text_changed", language)
        if source and translated and source > translated:
            return self.TranslationStatus.OUTDATED
        return self.TranslationStatus.UP_TO_DATE

    @property
    def is_live(self) -> bool:
        return (
            self.status in self.LIVE_STATUSES
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def clean(self):
        errors = {}
        if self.status in self.LIVE_STATUSES:
            if not any(localized(self, "title", lang) for lang in LANGUAGES):
                errors["title_uk"] = _("A published release needs a title.")
            for lang in LANGUAGES:
                if localized(self, "title", lang) and not localized(self, "lead", lang):
                    errors[f"lead_{lang}"] = _(
                        "A published release needs a lead in every language it has a title in."
                    )
            if not self.published_at:
                self.published_at = timezone.now()
        if (
            self.status == self.Status.PUBLISHED
            and self.published_at
            and self.published_at > timezone.now() + timedelta(minutes=1)
        ):
            # A published release with a future time would vanish until then, unexplained.
            errors["published_at"] = _(
                "A published release cannot have a time in the future. To publish it then, "
                "schedule it."
            )
        if errors:
            raise ValidationError(errors)


class Block(models.Model):
    """One block of a release's body, the same in both languages so they align."""

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", _("Paragraph")
        QUOTE = "quote", _("Quote")
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")

    # Kinds whose text is written in every language: a video's is its title.
    TEXT_KINDS = (Kind.PARAGRAPH, Kind.QUOTE, Kind.VIDEO)
    # Kinds that may show a library photo: a video's is its poster, and optional.
    PHOTO_KINDS = (Kind.PHOTO, Kind.VIDEO)

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("release")
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARAGRAPH)
    text = limits.LimitedTextField(
        _("text"),
        blank=True,
        help_text=_(
            "Paragraphs may use bold, italic, links and line breaks. "
            "Quotes are plain text, without quotation marks. "
            "A video's text is its title, plain text on one line."
        ),
        # A paragraph's limit; a quote's, shorter, is checked in clean().
        max_length=limits.PARAGRAPH,
    )
    official = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("quoted official"),
    )
    photo = models.ForeignKey(
        Photo,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blocks",
        verbose_name=_("photo"),
        help_text=_("For a video: its poster, optional. Nothing is loaded from YouTube for it."),
    )
    video_id = models.CharField(
        _("YouTube video"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(video.YOUTUBE_ID_RE, video.BAD_ID)],
        help_text=_(
            "Paste the video's address on YouTube (youtube.com or youtu.be): its code is kept."
        ),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("body block")
        verbose_name_plural = _("body blocks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="quote") | Q(official__isnull=False),
                name="block_quote_has_official",
            ),
            models.CheckConstraint(
                condition=~Q(kind="photo") | Q(photo__isnull=False),
                name="block_photo_has_photo",
            ),
            models.CheckConstraint(
                condition=~Q(kind="video") | ~Q(video_id=""),
                name="block_video_has_video_id",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.position}"

    def save(self, *args, **kwargs):
        for lang in LANGUAGES:
            setattr(
                self, f"text_{lang}", self.stored_text(self.kind, localized(self, "text", lang))
            )
        if self.kind != self.Kind.QUOTE:
            self.official = None
        if self.kind not in self.PHOTO_KINDS:
            self.photo = None
        if self.kind != self.Kind.VIDEO:
            self.video_id = ""
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.release.get_absolute_url()

    def clean(self):
        errors = {}
        if self.kind == self.Kind.QUOTE and not self.official_id:
            errors["official"] = _("Choose the official who is quoted.")
        if self.kind == self.Kind.PHOTO and not self.photo_id:
            errors["photo"] = _("Choose the photo to show.")
        if self.kind == self.Kind.VIDEO and not self.video_id:
            errors["video_id"] = _("Paste the address of the video on YouTube.")
        if self.kind in self.TEXT_KINDS:
            texts = {lang: (localized(self, "text", lang) or "").strip() for lang in LANGUAGES}
            if not any(texts.values()):
                errors["text_uk"] = (
                    _("Give the video a title in at least one language.")
                    if self.kind == self.Kind.VIDEO
                    else _("Write the text in at least one language.")
                )
            for lang, text in texts.items():
                if PHOTO_CODE_RE.match(text):
                    errors[f"text_{lang}"] = _(
                        "This looks like a photo code. Add a photo block and choose the photo."
                    )
                elif self.kind == self.Kind.QUOTE and len(text) > limits.QUOTE:
                    errors[f"text_{lang}"] = _(
                        "A quote may have at most %(limit)s characters (this one has "
                        "%(length)s). Shorten it, or give part of it as a paragraph."
                    ) % {"limit": limits.QUOTE, "length": len(text)}
                elif self.kind == self.Kind.VIDEO and len(text) > limits.VIDEO_TITLE:
                    errors[f"text_{lang}"] = _(
                        "A video's title may have at most %(limit)s characters (this one has "
                        "%(length)s)."
                    ) % {"limit": limits.VIDEO_TITLE, "length": len(text)}
                elif self.kind == self.Kind.QUOTE and not quote_marks_balanced(text, lang):
                    errors[f"text_{lang}"] = _(
                        "The quotation marks inside this quote do not pair up. Leave out the "
                        "outer marks: the site adds them."
                    )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def stored_text(cls, kind, text) -> str:
        """``text`` as a block of ``kind`` stores it: sanitised, unquoted, or nothing."""
        if kind == cls.Kind.PARAGRAPH:
            return clean_inline_html(text or "")
        if kind == cls.Kind.QUOTE:
            return strip_quote_marks(text or "")
        if kind == cls.Kind.VIDEO:
            return plain_line(text)
        return ""

    @property
    def video_watch_url(self) -> str:
        return video.watch_url(self.video_id)

    @property
    def video_embed_url(self) -> str:
        return video.embed_url(self.video_id)


INNER_QUOTE_PAIRS = {"uk": [("«", "»"), ("„", "“")], "en": [("“", "”")]}


def quote_marks_balanced(text: str, language: str) -> bool:
    """Whether inner quotation marks in ``text`` open and close in pairs."""
    text = strip_quote_marks(text)
    for opening, closing in INNER_QUOTE_PAIRS.get(language, []):
        if text.count(opening) != text.count(closing):
            return False
    return True


class SlugHistory(models.Model):
    """An address a release had before its slug changed; it redirects to the current one."""

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="old_slugs", verbose_name=_("release")
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    slug = models.SlugField(_("old address (slug)"), max_length=120)

    class Meta:
        ordering = ["release", "language", "slug"]
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="slug_history_unique"),
        ]

    def __str__(self):
        return f"{self.language}: {self.slug}"

    def get_absolute_url(self):
        return self.release.get_absolute_url()


class ChangeNote(models.Model):
    """A public note on a major update of a release, in both languages."""

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="change_notes", verbose_name=_("release")
    )
    note = limits.LimitedTextField(_("what changed"), max_length=limits.CHANGE_NOTE)
    created_at = models.DateTimeField(_("updated"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("change note")
        verbose_name_plural = _("change notes")

    def __str__(self):
        return self.note or self.note_uk or ""

    def get_absolute_url(self):
        return self.release.get_absolute_url()


class SignedLink:
    """What every link that opens a release to someone without an account shares.

    The link's address carries a token signed with the site's key that names the link
    (``TOKEN_KEY``) under a salt of its kind (``SALT``), so one kind of link never opens
    another's page. A subclass sets both and ``URL_NAME``, the page the address leads to.
    """

    SALT = ""
    TOKEN_KEY = "link"
    URL_NAME = ""
    # Far longer than any token the site signs; a longer one is refused unread.
    MAX_TOKEN_LENGTH = 200

    def get_absolute_url(self):
        return reverse(self.URL_NAME, kwargs={"token": self.token})

    @property
    def token(self) -> str:
        return signing.dumps({self.TOKEN_KEY: self.pk}, salt=self.SALT)

    def urls(self) -> dict[str, str]:
        """The full address to share, in each language the release is written in."""
        result = {}
        for lang in LANGUAGES:
            if not localized(self.release, "title", lang):
                continue
            with translation.override(lang):
                result[lang] = settings.SITE_URL + self.get_absolute_url()
        return result

    @classmethod
    def signed(cls, token: str):
        """The link a token names, whatever its state; None if the token is not one the
        site signed for this kind of link (forged, altered, cut short, another kind's)."""
        if not isinstance(token, str) or len(token) > cls.MAX_TOKEN_LENGTH:
            return None
        try:
            data = signing.loads(token, salt=cls.SALT)
        except signing.BadSignature:
            return None
        pk = data.get(cls.TOKEN_KEY) if isinstance(data, dict) else None
        if not isinstance(pk, int):
            return None
        return cls.objects.select_related("release").filter(pk=pk).first()


class PreviewLink(SignedLink, models.Model):
    """A revocable, expiring address that shows a release to people without an account."""

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="preview_links", verbose_name=_("release")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    note = models.CharField(
        _("for whom"),
        max_length=limits.PREVIEW_NOTE,
        blank=True,
        help_text=_("E.g. legal review, partner MFA."),
    )

    SALT = "releases.preview-link"
    URL_NAME = "releases:preview"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return f"{self.release} ({self.note})" if self.note else str(self.release)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and timezone.now() < self.expires_at

    @classmethod
    def from_token(cls, token: str):
        """The active link a token names, or None if it is forged, expired or revoked."""
        link = cls.signed(token)
        return link if link and link.is_active else None
