"""Press releases and the ordered blocks of their body."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from releases.text import PHOTO_CODE_RE, clean_inline_html, strip_quote_marks, unique_slug

from .people import Country, Official
from .photos import Photo
from .slugs import fill_translated_slugs, translated_url
from .tags import TaggedRelease

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _filled(field: str) -> Q:
    """A text column that is neither NULL nor empty."""
    return Q(**{f"{field}__gt": ""})


def complete_in(language: str) -> Q:
    """The one definition of "this release exists in ``language``".

    Its title and lead, and the text of every paragraph and quote of its body, are
    written in that language; every photo it shows is described (alt text) and every
    official it names or quotes is named in it.
    """
    untranslated_block = Block.objects.filter(
        release=OuterRef("pk"), kind__in=Block.TEXT_KINDS
    ).exclude(_filled(f"text_{language}"))
    photo_without_alt = Block.objects.filter(
        release=OuterRef("pk"), kind=Block.Kind.PHOTO
    ).exclude(_filled(f"photo__alt_{language}"))
    hero_described = Q(hero_photo__isnull=True) | _filled(f"hero_photo__alt_{language}")
    unnamed_quoted = Block.objects.filter(release=OuterRef("pk"), kind=Block.Kind.QUOTE).exclude(
        _filled(f"official__name_{language}")
    )
    unnamed_official = Release.officials.through.objects.filter(release=OuterRef("pk")).exclude(
        _filled(f"official__name_{language}")
    )
    return (
        _filled(f"title_{language}")
        & _filled(f"lead_{language}")
        & hero_described
        & ~Exists(untranslated_block)
        & ~Exists(photo_without_alt)
        & ~Exists(unnamed_quoted)
        & ~Exists(unnamed_official)
    )


class ReleaseQuerySet(models.QuerySet):
    def published(self):
        """Released to the public by its status and date, in whatever language."""
        return self.filter(status=Release.Status.PUBLISHED, published_at__lte=timezone.now())

    def complete_in(self, language):
        return self.filter(complete_in(language))

    def public(self, language=None):
        """What a reader of the ``language`` site (the active one by default) may see."""
        return self.published().complete_in(language or translation.get_language())

    def with_languages(self):
        """Annotate ``complete_<lang>`` for every language, for switchers and badges."""
        return self.annotate(
            **{
                f"complete_{language}": Case(
                    When(complete_in(language), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
                for language in LANGUAGES
            }
        )


class Release(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    key = models.SlugField(
        _("key"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("A stable identifier used by import and export. Filled in automatically."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("One or two sentences that sum up the release.")
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
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("Kyiv time. Set to now when a release is published without a time."),
    )
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
    tags = TaggableManager(through=TaggedRelease, blank=True, verbose_name=_("tags"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="release_status_published_idx"),
        ]

    def __str__(self):
        return self.title or self.title_uk or self.title_en or self.key or "—"

    def save(self, *args, **kwargs):
        for lang in LANGUAGES:
            for field in ("title", "lead"):
                value = getattr(self, f"{field}_{lang}")
                if value:
                    setattr(self, f"{field}_{lang}", value.strip())
        fill_translated_slugs(self, "title")
        if not self.key:
            base = self.slug_uk or self.slug_en or "release"
            others = Release.objects.exclude(pk=self.pk)
            self.key = unique_slug(base, lambda s: others.filter(key=s).exists())
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return translated_url(self, "releases:detail")

    def get_parallel_url(self):
        return translated_url(self, "releases:parallel")

    @property
    def date(self):
        """The release's date in Kyiv: the day its officials' positions are read on."""
        return timezone.localdate(self.published_at or self.created_at or timezone.now())

    def is_complete_in(self, language) -> bool:
        """Completeness of a fetched release, using annotations when the query made them."""
        annotated = getattr(self, f"complete_{language}", None)
        if annotated is not None:
            return annotated
        return Release.objects.filter(pk=self.pk).complete_in(language).exists()

    def clean(self):
        errors = {}
        if self.status == self.Status.PUBLISHED:
            if not any(getattr(self, f"title_{lang}") for lang in LANGUAGES):
                errors["title_uk"] = _("A published release needs a title.")
            for lang in LANGUAGES:
                if getattr(self, f"title_{lang}") and not getattr(self, f"lead_{lang}"):
                    errors[f"lead_{lang}"] = _(
                        "A published release needs a lead in every language it has a title in."
                    )
            if not self.published_at:
                self.published_at = timezone.now()
        if errors:
            raise ValidationError(errors)


class Block(models.Model):
    """One block of a release's body, the same in both languages so they align."""

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", _("Paragraph")
        QUOTE = "quote", _("Quote")
        PHOTO = "photo", _("Photo")

    TEXT_KINDS = (Kind.PARAGRAPH, Kind.QUOTE)

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("release")
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARAGRAPH)
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "Paragraphs may use bold, italic, links and line breaks. "
            "Quotes are plain text, without quotation marks."
        ),
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
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.position}"

    def save(self, *args, **kwargs):
        for lang in LANGUAGES:
            setattr(
                self, f"text_{lang}", self.stored_text(self.kind, getattr(self, f"text_{lang}"))
            )
        if self.kind != self.Kind.QUOTE:
            self.official = None
        if self.kind != self.Kind.PHOTO:
            self.photo = None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.release.get_absolute_url()

    def clean(self):
        errors = {}
        if self.kind == self.Kind.QUOTE and not self.official_id:
            errors["official"] = _("Choose the official who is quoted.")
        if self.kind == self.Kind.PHOTO and not self.photo_id:
            errors["photo"] = _("Choose the photo to show.")
        if self.kind in self.TEXT_KINDS:
            texts = {lang: (getattr(self, f"text_{lang}") or "").strip() for lang in LANGUAGES}
            if not any(texts.values()):
                errors["text_uk"] = _("Write the text in at least one language.")
            for lang, text in texts.items():
                if PHOTO_CODE_RE.match(text):
                    errors[f"text_{lang}"] = _(
                        "This looks like a photo code. Add a photo block and choose the photo."
                    )
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
        return ""


INNER_QUOTE_PAIRS = {"uk": [("«", "»"), ("„", "“")], "en": [("“", "”")]}


def quote_marks_balanced(text: str, language: str) -> bool:
    """Whether inner quotation marks in ``text`` open and close in pairs."""
    text = strip_quote_marks(text)
    for opening, closing in INNER_QUOTE_PAIRS.get(language, []):
        if text.count(opening) != text.count(closing):
            return False
    return True
