"""Releases in the admin: writing, the editorial workflow, translation and history."""

from datetime import timedelta

import reversion
from adminsortable2.admin import SortableAdminBase, SortableInlineAdminMixin
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from releases import history, limits, search, workflow
from releases.languages import localized_name, localized_names
from releases.models import Block, ChangeNote, PreviewLink, Release, Tag
from releases.models.release import completeness_field
from releases.photos.widgets import PhotoChooserMixin

from .common import LANGUAGES, side_by_side, thumbnail
from .rich_text import BlockForm, RichTextBlocks

KEEP_STATUS = ""


# Body blocks -----------------------------------------------------------------------------


class BlockInline(
    PhotoChooserMixin, RichTextBlocks, SortableInlineAdminMixin, TranslationStackedInline
):
    """Body blocks in order: drag to reorder; a new block goes to the end."""

    model = Block
    form = BlockForm
    extra = 0
    max_num = limits.MAX_BLOCKS
    fieldsets = ((None, {"fields": ("kind", *side_by_side("text"), ("official", "photo"))}),)
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
        return ["kind", "official", "photo"] + [
            f"text_{lang}" for lang in LANGUAGES if lang not in targets
        ]

    def has_add_permission(self, request, obj=None):
        return False


def translation_targets(release) -> list[str]:
    """The languages a translator may write in for ``release``: all but its original."""
    source = release.source_language if release else None
    return [lang for lang in LANGUAGES if lang != source]


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
        help_text=Release._meta.get_field("tags").help_text,
        widget=AutocompleteSelectMultiple(Release._meta.get_field("tags"), admin.site),
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

    def clean(self):
        cleaned = super().clean()
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
            workflow.apply(self.instance, name, self.user)
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


class UkrainianTranslationFilter(TranslationStatusFilter):
    language = "uk"
    title = _("translation [%(language)s]") % {"language": "uk"}
    parameter_name = "translation_uk"


class EnglishTranslationFilter(TranslationStatusFilter):
    language = "en"
    title = _("translation [%(language)s]") % {"language": "en"}
    parameter_name = "translation_en"


# What each role sees of a release --------------------------------------------------------
# Which fields each part of the page holds; get_readonly_fields then says what is editable.

TEXTS = (None, {"fields": (*side_by_side("title", "lead"), "loaded_edit_version")})
PUBLICATION = (
    _("Publication"),
    {"fields": (("status", "transition"), ("published_at", "source_language"), "review_comment")},
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
MATERIAL = (
    _("Photo, people and topics"),
    {"fields": ("hero_photo", "officials", "countries", "tags")},
)
ADDRESSES = (_("Addresses"), {"fields": (*side_by_side("slug"), "key")})
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

PRESS_OFFICER_FIELDSETS = (TEXTS, PUBLICATION, MATERIAL, ADDRESSES, RECORD)
# The major update part only while the release is public (may_note_a_major_update).
EDITOR_FIELDSETS = (TEXTS, PUBLICATION, MAJOR_UPDATE, ARCHIVE, MATERIAL, ADDRESSES, RECORD)
# Translators see the texts, the addresses and the status; no workflow.
TRANSLATOR_FIELDSETS = (
    TEXTS,
    (_("Publication"), {"fields": (("status", "published_at"), "source_language")}),
    (_("Addresses"), {"fields": side_by_side("slug")}),
)
# Whoever may not change the release: the record as it is, without the controls of an edit.
READ_ONLY_FIELDSETS = (
    (None, {"fields": side_by_side("title", "lead")}),
    (
        _("Publication"),
        {"fields": (("status", "published_at"), "source_language", "review_comment")},
    ),
    MATERIAL,
    ADDRESSES,
    RECORD,
)


# The release admin -------------------------------------------------------------------------


@admin.register(Release)
class ReleaseAdmin(PhotoChooserMixin, SortableAdminBase, admin.ModelAdmin):
    form = ReleaseAdminForm
    list_display = ["__str__", "status", "published_at", "languages", "hero"]
    list_filter = [
        "status",
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
        js = ["js/admin-open-errors.js"]

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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        if not may_note_a_major_update(request.user, obj):
            # Not shown, so not accepted either: a forged field is simply not there.
            for name in ("major_update", *localized_names("change_note")):
                form.base_fields.pop(name, None)
        return form

    def get_inlines(self, request, obj):
        if workflow.is_translator_only(request.user):
            return [TranslationBlockInline]
        inlines = [BlockInline]
        if workflow.may_see_preview_links(request.user, obj):
            inlines.append(PreviewLinkInline)
        if obj and request.user.has_perm("releases.change_changenote"):
            inlines.append(ChangeNoteInline)
        return inlines

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hero_photo")

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
        with reversion.create_revision(), search.indexing_together():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        obj.save()

    def save_formset(self, request, form, formset, change):
        if formset.model is PreviewLink:
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
        Status = Release.TranslationStatus
        rows = []
        for lang in LANGUAGES:
            needs = translation_status_q(lang, Status.MISSING) | translation_status_q(
                lang, Status.OUTDATED
            )
            for release in (
                Release.objects.all().filter(needs).exclude(status=Release.Status.ARCHIVED)
            ):
                rows.append((release, lang, release.translation_status(lang)))
        live_first = {s: i for i, s in enumerate(Release.LIVE_STATUSES)}
        rows.sort(
            key=lambda row: (
                live_first.get(row[0].status, 9),
                row[2] != Status.OUTDATED,
                -(row[0].published_at or row[0].created_at).timestamp(),
            )
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Translation worklist"),
            "rows": rows,
        }
        return TemplateResponse(request, "admin/releases/release/worklist.html", context)
