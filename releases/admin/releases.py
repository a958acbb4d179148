"""Releases in the admin: writing, the editorial workflow, translation and history."""

import copy
from datetime import timedelta

import reversion
from adminsortable2.admin import CustomInlineFormSet, SortableAdminBase, SortableInlineAdminMixin
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.forms.formsets import all_valid
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from releases import history, limits, search, views, workflow
from releases.languages import localized_name, localized_names
from releases.models import Block, ChangeNote, EmbargoAccess, PreviewLink, Release, Tag
from releases.models.release import completeness_field
from releases.photos.widgets import PhotoChooserMixin

from . import embargo
from .common import LANGUAGES, side_by_side, thumbnail, translation_targets
from .documents import DocumentInline, TranslationDocumentInline
from .rich_text import BlockForm, RichTextBlocks

KEEP_STATUS = ""


# Body blocks -----------------------------------------------------------------------------


class BodyFormSet(CustomInlineFormSet):
    """The body as it is about to be saved, checked for the step the form asks for.

    The release form applies the workflow step (``transition``) without its body, which
    only this formset holds; the body's errors sit here, above the blocks.
    """

    def clean(self):
        super().clean()
        transition = self.data.get("transition")
        if not transition:
            return
        blocks = [
            form.instance
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]
        errors = workflow.body_errors(transition, self.instance, blocks)
        if errors:
            raise ValidationError(errors, code="body")


class BlockInline(
    PhotoChooserMixin, RichTextBlocks, SortableInlineAdminMixin, TranslationStackedInline
):
    """Body blocks in order: drag to reorder; a new block goes to the end."""

    model = Block
    form = BlockForm
    formset = BodyFormSet
    extra = 0
    max_num = limits.MAX_BLOCKS
    fieldsets = (
        (None, {"fields": ("kind", *side_by_side("text"), ("official", "video_id", "photo"))}),
    )
    autocomplete_fields = ["official", "photo"]
    classes = ["press-blocks"]
    template = "adminsortable2/edit_inline/stacked-django-5.2.html"
    show_change_link = False
    view_on_site = False

    class Media:
        js = ["js/admin-blocks.js"]


class TranslationBlockForm(BlockForm):
    """A photo block has no text to translate: its text fields take nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind == Block.Kind.PHOTO:
            for name, field in self.fields.items():
                if name.startswith("text_"):
                    field.disabled = True


class TranslationBlockInline(RichTextBlocks, TranslationStackedInline):
    """What a translator sees of the body: the original, read-only, next to the translation."""

    model = Block
    form = TranslationBlockForm
    extra = 0
    max_num = 0
    can_delete = False
    fieldsets = BlockInline.fieldsets
    classes = ["press-blocks"]
    show_change_link = False
    view_on_site = False

    def get_readonly_fields(self, request, obj=None):
        targets = translation_targets(obj)
        return ["kind", "official", "video_id", "photo"] + [
            f"text_{lang}" for lang in LANGUAGES if lang not in targets
        ]

    def has_add_permission(self, request, obj=None):
        return False


class PreviewLinkForm(forms.ModelForm):
    """A preview link with a tick box to withdraw it, rather than a time to type."""

    revoke = forms.BooleanField(label=_("Withdraw"), required=False)

    class Meta:
        model = PreviewLink
        fields = ["note", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoke"].initial = bool(self.instance.revoked_at)

    def clean_expires_at(self):
        # A link is an unauthenticated key to an unpublished text: it must run out.
        expires_at = self.cleaned_data["expires_at"]
        longest = settings.PREVIEW_LINK_MAX_DAYS
        if "expires_at" in self.changed_data and expires_at > timezone.now() + timedelta(
            days=longest
        ):
            raise ValidationError(
                _("A preview link lasts at most %(days)s days: choose an earlier time."),
                code="too_long",
                params={"days": longest},
            )
        return expires_at

    def save(self, commit=True):
        link = super().save(commit=False)
        if self.cleaned_data.get("revoke") and not link.revoked_at:
            link.revoked_at = timezone.now()
        elif not self.cleaned_data.get("revoke"):
            link.revoked_at = None
        if commit:
            link.save()
        return link


class PreviewLinkInline(admin.TabularInline):
    """Addresses that show the release to people without an account, until they expire."""

    model = PreviewLink
    form = PreviewLinkForm
    extra = 0
    fields = ["note", "expires_at", "revoke", "address"]
    readonly_fields = ["address"]
    verbose_name_plural = _("preview links for people without an account")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["expires_at"].initial = lambda: timezone.now() + timedelta(days=7)
        return formset

    # Read-only, the admin labels a form-only field by its name ("Revoke"): this gives the
    # column its label and value when the person may not change the links.
    # (Not boolean=True: Django's icon says "True" or "False" in English.)
    @admin.display(description=_("Withdraw"))
    def revoke(self, link):
        return _("Withdrawn") if link.revoked_at else _("No")

    @admin.display(description=_("address to share"))
    def address(self, link):
        if not link.pk:
            return "—"
        if not link.is_active:
            return gettext("not valid any more")
        return format_html_join(
            " ",
            '<input type="text" readonly value="{}" size="70" aria-label="{}">',
            ((url, lang) for lang, url in link.urls().items()),
        )


class ChangeNoteInline(TranslationTabularInline):
    """Public notes of major updates: editors correct or remove them here."""

    model = ChangeNote
    extra = 0
    fields = ["created_at", *(f"note_{lang}" for lang in LANGUAGES)]
    verbose_name_plural = _("notes of major updates, shown to readers")

    def has_add_permission(self, request, obj=None):
        return False  # added through "this is a major update", with its date


def may_note_a_major_update(user, release) -> bool:
    """Editors mark major updates, of releases already public."""
    return bool(
        release
        and workflow.is_editor(user)
        and release.status in Release.LIVE_STATUSES
        and release.published_at
    )


# The release form ------------------------------------------------------------------------


class ReleaseFormBase(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        label=_("Tags"),
        widget=AutocompleteSelectMultiple(Release._meta.get_field("tags"), admin.site),
        # The model's help says how to choose; here, also how to add one.
        help_text=_(
            "Type a few letters to find a tag. A tag that does not exist yet: “+” "
            "creates it, named in both languages."
        ),
    )
    transition = forms.ChoiceField(
        label=_("On saving"),
        required=False,
        help_text=_("What happens to the release when you save it."),
    )
    loaded_edit_version = forms.IntegerField(
        label=_("edit number"), widget=forms.HiddenInput, required=False
    )
    major_update = forms.BooleanField(
        label=_("This is a major update"),
        required=False,
        help_text=_("Readers see the date and the note below. Leave unticked for small fixes."),
    )

    # Set by ReleaseAdmin.get_form for the request at hand.
    user = None

    class Meta:
        model = Release
        # The admin's fieldsets decide which fields are shown; this lists what the form saves.
        fields = ["hero_photo", "officials", "countries", "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "transition" in self.fields:
            current = self.instance.get_status_display() if self.instance.pk else _("Draft")
            self.fields["transition"].choices = [
                (KEEP_STATUS, _("Keep the status (%(status)s)") % {"status": current})
            ] + [(t.name, t.label) for t in workflow.available(self.user, self.instance)]
        if self.instance.pk:
            self.initial["loaded_edit_version"] = self.instance.edit_version
        if "kind" in self.fields:
            # A form sent without a kind (a page or a script from before kinds) keeps the
            # release's own, news for a new one; a kind it does send must be one of them.
            self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.instance.kind

    def clean(self):
        cleaned = super().clean()
        for name in localized_names("title"):
            if cleaned.get(name):
                # A title is one line, whatever a paste into its wrapping box brought.
                cleaned[name] = " ".join(cleaned[name].split())
        self.check_nobody_saved_meanwhile()
        if cleaned.get("major_update"):
            written = [lang for lang in LANGUAGES if self.cleaned_data.get(f"title_{lang}")]
            for lang in written or LANGUAGES[:1]:
                if not cleaned.get(f"change_note_{lang}", "").strip():
                    self.add_error(
                        f"change_note_{lang}",
                        _("A major update needs a note for readers in each of its languages."),
                    )
        return cleaned

    def check_nobody_saved_meanwhile(self):
        """Refuse to overwrite a save made after this form was opened.

        The admin reads the release under a row lock for a save (``ReleaseAdmin.get_object``),
        so this check and the write are one step: of two saves at the same moment, the
        second waits for the first and is refused here. A form sent without its edit
        number (forged, or a page from before it existed) counts as out of date.
        """
        if not self.instance.pk or "loaded_edit_version" not in self.fields:
            return
        loaded = self.cleaned_data.get("loaded_edit_version")
        current = (
            Release.objects.filter(pk=self.instance.pk)
            .values("edit_version", "updated_at", "updated_by__username")
            .first()
        )
        if current and current["edit_version"] != loaded:
            when = formats.date_format(timezone.localtime(current["updated_at"]), "j E Y, H:i")
            self.add_error(
                None,
                _(
                    "%(user)s saved this release on %(when)s, after you opened it. Nothing "
                    "of yours was saved: your text is still in the form. Compare it with the "
                    "current version (open it in a new tab), merge what you need, then save again."
                )
                % {"user": current["updated_by__username"] or gettext("someone"), "when": when},
            )
            # Saving again after merging is a deliberate choice: accept the current version.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_edit_version")] = current["edit_version"]

    def _post_clean(self):
        super()._post_clean()
        name = self.cleaned_data.get("transition")
        if not name or self.errors:
            return
        try:
            # The body is checked by its formset (BodyFormSet), which holds it.
            workflow.apply(self.instance, name, self.user, blocks=False)
            self.instance.clean()
        except PermissionDenied as denied:
            self.add_error("transition", str(denied))
        except ValidationError as error:
            self._update_errors(error)


def change_note_field(language):
    return forms.CharField(
        label=_("what changed [%(language)s]") % {"language": language},
        required=False,
        # Checked, not a maxlength that would cut a pasted note short.
        validators=[MaxLengthValidator(limits.CHANGE_NOTE)],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReleaseAdminForm(ReleaseFormBase):
    """The release form with one change note per language (see ``MAJOR_UPDATE``)."""

    change_note_uk = change_note_field("uk")
    change_note_en = change_note_field("en")


# Translation status ------------------------------------------------------------------------


class TranslationStatusFilter(admin.SimpleListFilter):
    """Filter by the status of one language's translation."""

    language = None

    def lookups(self, request, model_admin):
        Status = Release.TranslationStatus
        return [(s.value, s.label) for s in (Status.MISSING, Status.OUTDATED, Status.UP_TO_DATE)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(translation_status_q(self.language, self.value()))
        return queryset


def translation_status_q(language, status) -> Q:
    """Releases whose ``language`` version has translation ``status`` (not the original)."""
    Status = Release.TranslationStatus
    not_original = ~Q(source_language=language)
    outdated = Q()
    for source in LANGUAGES:
        if source != language:
            outdated |= Q(source_language=source) & Q(
                **{
                    f"{localized_name('text_changed', source)}__gt": F(
                        localized_name("text_changed", language)
                    )
                }
            )
    complete = Q(**{completeness_field(language): True})
    if status == Status.MISSING:
        return not_original & ~complete
    if status == Status.OUTDATED:
        return not_original & complete & outdated
    return not_original & complete & ~outdated


def needs_translation(language) -> Q:
    """Releases whose ``language`` version is missing or out of date, archived ones aside."""
    Status = Release.TranslationStatus
    return (
        translation_status_q(language, Status.MISSING)
        | translation_status_q(language, Status.OUTDATED)
    ) & ~Q(status=Release.Status.ARCHIVED)


def translation_worklist(limit=None) -> list:
    """(release, language, translation status) rows for translators: live releases before
    drafts, out-of-date translations before missing ones, the newest first. One query per
    language; ``limit`` rows at most."""
    rows = []
    for lang in LANGUAGES:
        releases = Release.objects.filter(needs_translation(lang))
        if limit:
            releases = releases.order_by("-pk")[:limit]
        for release in releases:
            rows.append((release, lang, release.translation_status(lang)))
    live_first = {s: i for i, s in enumerate(Release.LIVE_STATUSES)}
    rows.sort(
        key=lambda row: (
            live_first.get(row[0].status, 9),
            row[2] != Release.TranslationStatus.OUTDATED,
            -(row[0].published_at or row[0].created_at).timestamp(),
        )
    )
    return rows[:limit] if limit else rows


def translation_filter_title(language):
    """The filter's title, in the admin's language of each request (not the one active
    when this module was imported)."""
    return lazy(lambda: gettext("translation [%(language)s]") % {"language": language}, str)()


class UkrainianTranslationFilter(TranslationStatusFilter):
    language = "uk"
    title = translation_filter_title("uk")
    parameter_name = "translation_uk"


class EnglishTranslationFilter(TranslationStatusFilter):
    language = "en"
    title = translation_filter_title("en")
    parameter_name = "translation_en"


# What each role sees of a release --------------------------------------------------------
# Which fields each part of the page holds; get_readonly_fields then says what is editable.

# The page follows the order a release is written in: titles and leads, then the body
# (the blocks inline, placed right after the texts by change_form.html), then what the
# release shows besides, then its publication; addresses and the record, folded, last.
TEXTS = (None, {"fields": (*side_by_side("title", "lead"), "loaded_edit_version")})
MATERIAL = (
    _("Photo, people and topics"),
    {"fields": ("hero_photo", "officials", "countries", "tags")},
)
PUBLICATION = (
    _("Publication"),
    {
        "fields": (
            ("status", "transition"),
            ("published_at", "source_language"),
            "kind",
            "review_comment",
        )
    },
)
# Editors also choose the release that leads the home page (``featured``).
EDITOR_PUBLICATION = (
    _("Publication"),
    {
        "fields": (
            ("status", "transition"),
            ("published_at", "source_language"),
            ("kind", "featured"),
            "review_comment",
        )
    },
)
MAJOR_UPDATE = (
    _("Major update"),
    {
        "fields": ("major_update", tuple(localized_names("change_note"))),
        "classes": ["collapse"],
    },
)
ARCHIVE = (
    _("Archive"),
    {
        "fields": (("archive_mode", "archive_target"), *side_by_side("archive_reason")),
        "classes": ["collapse"],
    },
)
ADDRESSES = (_("Addresses"), {"fields": (*side_by_side("slug"), "key"), "classes": ["collapse"]})
RECORD = (
    _("Record"),
    {
        "fields": (
            ("created_by", "created_at"),
            ("updated_by", "updated_at"),
            "translation_summary",
        ),
        "classes": ["collapse"],
    },
)

PRESS_OFFICER_FIELDSETS = (TEXTS, MATERIAL, PUBLICATION, ADDRESSES, RECORD)
# The major update part only while the release is public (may_note_a_major_update).
EDITOR_FIELDSETS = (
    TEXTS,
    MATERIAL,
    EDITOR_PUBLICATION,
    MAJOR_UPDATE,
    ARCHIVE,
    ADDRESSES,
    RECORD,
)
# Translators see the texts, the addresses and the status; no workflow.
TRANSLATOR_FIELDSETS = (
    TEXTS,
    (_("Publication"), {"fields": (("status", "published_at"), "source_language")}),
    (_("Addresses"), {"fields": side_by_side("slug"), "classes": ["collapse"]}),
)
# Whoever may not change the release: the record as it is, without the controls of an edit.
READ_ONLY_FIELDSETS = (
    (None, {"fields": side_by_side("title", "lead")}),
    MATERIAL,
    (
        _("Publication"),
        {
            "fields": (
                ("status", "published_at"),
                "source_language",
                # Its mark, in words: the boolean's icon has an untranslated alt text.
                ("kind", "featured_mark"),
                "review_comment",
            )
        },
    ),
    ADDRESSES,
    RECORD,
)


# The release admin -------------------------------------------------------------------------


@admin.register(Release)
class ReleaseAdmin(PhotoChooserMixin, SortableAdminBase, admin.ModelAdmin):
    form = ReleaseAdminForm
    list_display = [
        "__str__",
        "status_mark",
        "kind",
        "featured_mark",
        "published_at",
        "languages",
        "hero",
    ]
    list_filter = [
        "status",
        "kind",
        "featured",
        UkrainianTranslationFilter,
        EnglishTranslationFilter,
        ("published_at", admin.DateFieldListFilter),
        "countries",
        "tags",
    ]
    search_fields = ["title_uk", "title_en", "lead_uk", "lead_en", "key"]
    autocomplete_fields = ["hero_photo", "officials", "countries"]
    date_hierarchy = "published_at"
    change_form_template = "admin/releases/release/change_form.html"

    class Media:
        js = ["js/admin-open-errors.js", "js/admin-labels.js"]

    def get_fieldsets(self, request, obj=None):
        user = request.user
        if obj and not workflow.may_edit(user, obj):
            layout = READ_ONLY_FIELDSETS
        elif workflow.is_translator_only(user):
            layout = TRANSLATOR_FIELDSETS
        elif workflow.is_editor(user):
            layout = EDITOR_FIELDSETS
        else:
            layout = PRESS_OFFICER_FIELDSETS
        if may_note_a_major_update(user, obj):
            return list(layout)
        return [fieldset for fieldset in layout if fieldset is not MAJOR_UPDATE]

    def get_readonly_fields(self, request, obj=None):
        always = [
            "status", "key", "created_at", "updated_at", "created_by", "updated_by",
            "translation_summary",
        ]  # fmt: skip
        user = request.user
        if workflow.is_translator_only(user):
            editable = {
                f"{name}_{lang}"
                for name in ("title", "lead", "slug")
                for lang in translation_targets(obj)
            }
            shown = {
                field
                for _name, options in self.get_fieldsets(request, obj)
                for row in options["fields"]
                for field in (row if isinstance(row, tuple) else (row,))
            }
            return sorted((shown | set(always)) - editable - {"loaded_edit_version"})
        if not workflow.is_editor(user):
            always.append("review_comment")
        return always

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in localized_names("title"):
            # A box that wraps and grows, so that a long title is read whole while typed.
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "class": "press-title"})
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published_at" and field is not None:
            # The two boxes of the time share one label; each says which half it is.
            date, time = (
                field.widget.widget.widgets
                if hasattr(field.widget, "widget")
                else (field.widget.widgets)
            )
            date.attrs["aria-label"] = gettext("Publication date (Kyiv)")
            time.attrs["aria-label"] = gettext("Publication time of day (Kyiv)")
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        if "tags" in form.base_fields:
            # "+" opens the tag form, as for officials and countries: for whoever may add
            # tags (press officers and editors, roles.py); the tag admin checks it again.
            tags = copy.copy(form.base_fields["tags"])
            tags.widget = RelatedFieldWidgetWrapper(
                ReleaseFormBase.base_fields["tags"].widget,
                Release._meta.get_field("tags").remote_field,
                self.admin_site,
                can_add_related=request.user.has_perm("releases.add_tag"),
                can_change_related=False,
                can_delete_related=False,
                can_view_related=False,
            )
            form.base_fields["tags"] = tags
        if not workflow.is_editor(request.user):
            # Only editors choose the home page's lead: a press officer's form has no such
            # field, so a forged one is not read (the fieldsets leave it out as well).
            form.base_fields.pop("featured", None)
        if not may_note_a_major_update(request.user, obj):
            # Not shown, so not accepted either: a forged field is simply not there.
            for name in ("major_update", *localized_names("change_note")):
                form.base_fields.pop(name, None)
        return form

    def get_inlines(self, request, obj):
        if workflow.is_translator_only(request.user):
            return [TranslationBlockInline, TranslationDocumentInline]
        inlines = [BlockInline, DocumentInline]
        if workflow.may_see_preview_links(request.user, obj):
            inlines.append(PreviewLinkInline)
        if obj and embargo.may_manage_embargo(request.user):
            inlines.append(embargo.EmbargoAccessInline)
        if obj and request.user.has_perm("releases.change_changenote"):
            inlines.append(ChangeNoteInline)
        return inlines

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hero_photo")

    def get_ordering(self, request):
        # Work awaiting review first, then undated drafts, then the newest by date: a
        # release in review is never at the bottom of the list for want of a date.
        return [
            Case(When(status=Release.Status.IN_REVIEW, then=0), default=1).asc(),
            F("published_at").desc(nulls_first=True),
            "-pk",
        ]

    def get_object(self, request, object_id, from_field=None):
        """The release, locked until the transaction of a save commits.

        Two saves (or transitions) posted at the same moment would both read the same
        edit number and both pass the check; locking the row before reading it makes the
        second wait for the first and then see its edit number.
        """
        if request.method == "POST" and transaction.get_connection().in_atomic_block:
            field = Release._meta.pk if from_field is None else Release._meta.get_field(from_field)
            try:
                value = field.to_python(object_id)
                locked = Release.objects.select_for_update().filter(**{field.name: value})
                list(locked.values_list("pk", flat=True))
            except (ValidationError, ValueError):
                return None
        return super().get_object(request, object_id, from_field)

    # Permissions are decided by the workflow, for every request, not by what is shown.
    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("releases.change_release") or request.user.has_perm(
                "releases.translate_release"
            )
        return workflow.may_edit(request.user, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # One revision, and one reindexing once the release, its blocks and tags are saved,
        # both in the revision's transaction.
        # The body and the documents follow the titles and leads (the change form's template).
        extra_context = {**(extra_context or {}), "body_inlines": ("blocks", "documents")}
        with reversion.create_revision(), search.indexing_together():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        obj.save()

    def save_formset(self, request, form, formset, change):
        if formset.model in (PreviewLink, EmbargoAccess):
            for link_form in formset.forms:
                if not link_form.instance.pk:
                    link_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        release = form.instance
        release.refresh_text_stamps()
        comment = None
        if form.cleaned_data.get("major_update") and may_note_a_major_update(
            request.user, release
        ):
            note = ChangeNote.objects.create(
                release=release,
                created_by=request.user,
                **{
                    f"note_{lang}": form.cleaned_data.get(f"change_note_{lang}", "")
                    for lang in LANGUAGES
                },
            )
            comment = gettext("Major update: %(note)s") % {"note": note}
        transition = form.cleaned_data.get("transition")
        if transition:
            comment = str(workflow.TRANSITIONS[transition].label)
        reversion.set_comment(comment or gettext("Edited"))

    # Columns -----------------------------------------------------------------------------

    @admin.display(description=_("status"), ordering="status")
    def status_mark(self, release):
        return format_html(
            '<span class="press-status press-status--{}">{}</span>',
            release.status,
            release.get_status_display(),
        )

    # Not boolean=True: Django's icon says "True" or "False" in English.
    @admin.display(description=_("home page"), ordering="featured")
    def featured_mark(self, release):
        return _("Featured") if release.featured else ""

    @admin.display(description=_("languages"))
    def languages(self, release):
        return " · ".join(
            f"{lang.upper()}: {release.translation_status(lang).label}" for lang in LANGUAGES
        )

    @admin.display(description=_("main photo"))
    def hero(self, release):
        return thumbnail(release.hero_photo, 60)

    @admin.display(description=_("translations"))
    def translation_summary(self, release):
        return self.languages(release) if release.pk else "—"

    # History, comparison, restore and the translators' worklist ----------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = "<path:object_id>/versions"
        return [
            path("worklist/", wrap(self.worklist_view), name="releases_release_worklist"),
            path(
                "<path:object_id>/preview/",
                wrap(self.preview_view),
                name="releases_release_preview",
            ),
            path(
                "<path:object_id>/embargo/<int:access_id>/withdraw/",
                wrap(embargo.withdraw_view),
                name="releases_release_embargo_withdraw",
            ),
            path(f"{prefix}/", wrap(self.versions_view), name="releases_release_versions"),
            path(f"{prefix}/compare/", wrap(self.compare_view), name="releases_release_compare"),
            path(
                f"{prefix}/<int:version_id>/restore/",
                wrap(self.restore_view),
                name="releases_release_restore",
            ),
            *super().get_urls(),
        ]

    def get_release(self, request, object_id):
        # The admin's own lookup: an id that is not a number finds nothing, as it should.
        release = self.get_object(request, object_id)
        if release is None:
            raise Http404
        if not self.has_view_or_change_permission(request, release):
            raise PermissionDenied
        return release

    def versions_view(self, request, object_id):
        release = self.get_release(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": release,
            "title": _("History of “%(release)s”") % {"release": release},
            "versions": history.numbered_versions(release),
            "can_restore": request.user.has_perm("releases.restore_release"),
        }
        return TemplateResponse(request, "admin/releases/release/versions.html", context)

    def compare_view(self, request, object_id):
        release = self.get_release(request, object_id)
        versions = {v.pk: v for v in history.numbered_versions(release)}
        try:
            old, new = (versions[int(request.GET[key])] for key in ("a", "b"))
        except (KeyError, ValueError):
            messages.error(request, gettext("Choose two versions to compare."))
            return redirect("admin:releases_release_versions", object_id)
        if old.number > new.number:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": release,
            "title": _("Changes from version %(old)s to version %(new)s")
            % {"old": old.number, "new": new.number},
            "old": old,
            "new": new,
            "changes": history.compare(old, new),
        }
        return TemplateResponse(request, "admin/releases/release/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        release = self.get_release(request, object_id)
        if request.method != "POST" or not request.user.has_perm("releases.restore_release"):
            raise PermissionDenied
        version = next((v for v in history.numbered_versions(release) if v.pk == version_id), None)
        if version is None:
            raise PermissionDenied
        history.restore(release, version, request.user)
        messages.success(
            request,
            gettext("Version %(number)s was restored; it is now the newest version.")
            % {"number": version.number},
        )
        return redirect("admin:releases_release_change", object_id)

    def worklist_view(self, request):
        """What needs a translator first: live releases before drafts, newest first."""
        if not request.user.has_perm("releases.translate_release"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Translation worklist"),
            "rows": translation_worklist(),
        }
        return TemplateResponse(request, "admin/releases/release/worklist.html", context)

    # Preview of the unsaved form ------------------------------------------------------------

    def preview_view(self, request, object_id):
        """The page as the public would see it, from the form as it stands, not saved.

        The form and its body are validated as a save would; the release is then written
        inside a transaction that is rolled back once the page is drawn, so that the very
        templates and queries of the public page render it. Workflow steps are not taken.
        ``object_id`` is "add" for a release not saved yet.
        """
        if request.method != "POST":
            raise PermissionDenied
        if object_id == "add":
            release = None
            if not self.has_add_permission(request):
                raise PermissionDenied
        else:
            release = self.get_release(request, object_id)
            if not self.has_change_permission(request, release):
                raise PermissionDenied
        data = request.POST.copy()
        data["transition"] = KEEP_STATUS
        if release is not None:
            # Someone's save since the form was opened does not stop a preview.
            data["loaded_edit_version"] = release.edit_version
        request.POST = data
        change = release is not None
        Form = self.get_form(
            request,
            release,
            change=change,
            fields=flatten_fieldsets(self.get_fieldsets(request, release)),
        )
        form = Form(data, request.FILES, instance=release)
        formsets, _inlines = self._create_formsets(request, form.instance, change=change)
        mode = data.get("_preview_language")
        if mode not in (*LANGUAGES, "both"):
            mode = (
                data.get("source_language")
                if data.get("source_language") in LANGUAGES
                else LANGUAGES[0]
            )
        context = {
            "preview_fields": [
                (name, value)
                for name, values in request.POST.lists()
                if name not in ("csrfmiddlewaretoken", "_preview_language")
                for value in values
            ],
            "preview_mode": mode,
            "preview_languages": LANGUAGES,
            "preview_of_form": True,
        }
        if not (form.is_valid() and all_valid(formsets)):
            errors = [str(e) for e in form.non_field_errors()]
            for name, field_errors in form.errors.items():
                if name in form.fields:
                    errors.append(f"{form.fields[name].label}: {' '.join(field_errors)}")
            for formset in formsets:
                errors += [str(e) for e in formset.non_form_errors()]
                errors += [" ".join(m) for f in formset.errors for m in f.values()]
            response = TemplateResponse(
                request,
                "admin/releases/release/preview_refused.html",
                {**self.admin_site.each_context(request), "title": _("Preview"), "errors": errors},
            )
            return views.not_for_the_public(response.render())
        with transaction.atomic():
            draft = form.save(commit=False)
            if not change:
                draft.created_by = request.user
            draft.updated_by = request.user
            draft.save()
            form.save_m2m()
            for formset in formsets:
                if formset.model is Block:
                    formset.instance = draft
                    formset.save()
            shown = views.release_page_queryset(Release.objects.filter(pk=draft.pk)).get()
            page = self.render_preview(request, shown, mode, context)
            transaction.set_rollback(True)
        return views.not_for_the_public(HttpResponse(page))

    def render_preview(self, request, release, mode, context) -> str:
        """The public page of ``release`` in ``mode`` (a language, or "both")."""
        with translation.override(release.source_language if mode == "both" else mode):
            page = {
                **context,
                "release": release,
                "preview": True,
                "translations": [{"code": translation.get_language(), "current": True}],
            }
            if mode == "both":
                page.update(base_page="releases/release_parallel.html", columns=LANGUAGES)
            else:
                page["base_page"] = "releases/release_detail.html"
                page["article"] = views.release_article(request, page, cacheable=False)
            return render_to_string("admin/releases/release/preview.html", page, request)
