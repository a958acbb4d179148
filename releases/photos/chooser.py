"""The photo chooser of the release form: find a photo by sight, or upload one in place.

Three admin views under the photo library's address (``PhotoAdmin.get_urls``): the
dialog's content, a page of results, and an upload. They answer fragments of HTML (and
the chosen photo as JSON) for ``static/js/photo-chooser.js``, which opens them in a
``<dialog>`` beside a field that ``widgets.PhotoChooser`` draws. Whoever may write
releases and see photos may choose one; whoever may also add photos may upload one,
through the same gate as the photo form (``forms.PhotoAdminForm``).
"""

import contextlib
import re
from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from releases import limits
from releases.languages import LANGUAGES, localized

from . import uploads
from .forms import PhotoAdminForm
from .models import Photo

PAGE_SIZE = 24
# A query of more words than this is narrowed by its first ones: each word is a filter.
MAX_WORDS = 8
SEARCHED_FIELDS = (
    "code",
    *(f"{f}_{lang}" for f in ("caption", "credit", "alt") for lang in LANGUAGES),
)
DATE_WORD = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})\.(\d{1,2})\.(\d{4})")


def may_choose(user) -> bool:
    """Staff who write releases and may see the photo library."""
    return (
        user.is_active
        and user.is_staff
        and user.has_perm("releases.view_photo")
        and (user.has_perm("releases.add_release") or user.has_perm("releases.change_release"))
    )


def may_upload(user) -> bool:
    return may_choose(user) and user.has_perm("releases.add_photo")


class ChooserSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Caption, code or photographer"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": limits.SEARCH_QUERY}),
    )
    date = forms.DateField(
        label=_("Date taken"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    shortened = False

    def clean_q(self):
        query = self.cleaned_data["q"]
        if len(query) > limits.SEARCH_QUERY:
            # Longer queries are shortened and the reader told, as on the public search.
            self.shortened = True
            query = query[: limits.SEARCH_QUERY]
        return query


def word_filter(word: str) -> Q:
    """Photos whose code, caption, credit or alt text holds ``word``, in either language.

    SQLite matches letters beyond ASCII case-sensitively: the word is also looked for as
    it is typed, in lower case, upper case and capitalised ("київ" finds "Київ").
    """
    match = Q()
    for variant in {word, word.lower(), word.upper(), word.capitalize()}:
        for field in SEARCHED_FIELDS:
            match |= Q(**{f"{field}__icontains": variant})
    found = DATE_WORD.fullmatch(word)
    if found:
        year, month, day = found.group(1, 2, 3) if found.group(1) else found.group(6, 5, 4)
        # Not a day of the calendar (31.02.2025): only the text is searched.
        with contextlib.suppress(ValueError):
            match |= Q(taken_at=date(int(year), int(month), int(day)))
    return match


def search(query: str = "", taken: date | None = None):
    """The photos that match every word of ``query`` (and were taken on ``taken``), newest
    added first."""
    photos = Photo.objects.order_by("-created_at", "-pk")
    for word in query.split()[:MAX_WORDS]:
        photos = photos.filter(word_filter(word))
    if taken:
        photos = photos.filter(taken_at=taken)
    return photos


def caption_of(photo) -> str:
    """The caption in the admin's language, else in the other one."""
    current = translation.get_language()
    order = [current, *(lang for lang in LANGUAGES if lang != current)]
    return next((text for lang in order if (text := localized(photo, "caption", lang))), "")


def thumbnail_url(photo) -> str:
    return photo.rendition_url(f"w{photo.widths()[0]}", "jpg")


def describe(photo) -> dict:
    """What the form shows of a chosen photo (and what the chooser's script receives)."""
    caption = caption_of(photo)
    return {
        "id": photo.pk,
        "code": photo.code,
        "caption": caption,
        "thumbnail": thumbnail_url(photo),
        "label": f"{photo.code} — {caption[:60]}" if caption else photo.code,
    }


class ChooserUploadForm(PhotoAdminForm):
    """A new photo with what a release needs of it: caption, alt text and credit."""

    class Meta(PhotoAdminForm.Meta):
        fields = [
            "image",
            "code",
            *(f"{f}_{lang}" for f in ("caption", "alt", "credit") for lang in LANGUAGES),
        ]
        widgets = {f"caption_{lang}": forms.Textarea(attrs={"rows": 2}) for lang in LANGUAGES}


def results_context(request):
    form = ChooserSearchForm(request.GET or None, auto_id="photo-chooser-search-%s")
    if form.is_valid():
        photos = search(form.cleaned_data["q"], form.cleaned_data["date"])
    else:
        photos = search()
    page = Paginator(photos, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "search_form": form,
        "page": page,
        "photos": [describe_for_list(photo) for photo in page.object_list],
        "query": query.urlencode(),
        "results_url": reverse("admin:releases_photo_chooser_results"),
        "search_limit": limits.SEARCH_QUERY,
    }


def describe_for_list(photo) -> dict:
    return {
        **describe(photo),
        "taken_at": photo.taken_at,
        "credit": localized(photo, "credit", translation.get_language()),
    }


def guarded(check):
    def decorator(view):
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@require_GET
@guarded(may_choose)
def chooser_view(request):
    """The dialog: search, the newest photos, and (for who may add photos) an upload."""
    context = {
        **results_context(request),
        "upload_form": make_upload_form(request) if may_upload(request.user) else None,
    }
    return TemplateResponse(request, "admin/releases/photo/chooser.html", context)


@require_GET
@guarded(may_choose)
def results_view(request):
    return TemplateResponse(
        request, "admin/releases/photo/_chooser_results.html", results_context(request)
    )


def make_upload_form(request, data=None, files=None):
    return ChooserUploadForm(
        data, files, auto_id="photo-chooser-%s", code_prefix=uploads.shoot_prefix(request.user)
    )


@require_POST
@guarded(may_upload)
def upload_view(request, model_admin):
    """A new photo through the gate, then chosen: its description as JSON (201), or the
    form again (200, as the admin answers a form with errors) with the errors at their
    fields and what was typed kept."""
    form = make_upload_form(request, request.POST, request.FILES)
    if form.is_valid():
        with transaction.atomic():
            photo = form.save()
            model_admin.log_addition(request, photo, [{"added": {}}])
        return JsonResponse(describe(photo), status=201)
    return TemplateResponse(
        request,
        "admin/releases/photo/_chooser_upload.html",
        {"upload_form": form},
    )
