"""Translators' tools for the interface strings in ``locale/``.

django-rosetta edits the catalogues in the browser; this module decides who may, takes
a whole ``.po`` file back from a desktop tool, and makes every worker process pick up a
changed catalogue at its next request, without a restart.
"""

import re
import tempfile
from pathlib import Path

import polib
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation.reloader import translation_file_changed
from rosetta.signals import entry_changed
from rosetta.signals import post_save as catalogue_saved

from . import page_cache
from .catalogues import catalogue_problems, markup_problems
from .roles import TRANSLATOR


def can_edit_interface_strings(user) -> bool:
    """The Translator group (and administrators) edit the interface strings."""
    return user.is_active and (user.is_superuser or user.groups.filter(name=TRANSLATOR).exists())


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def catalogue_stamp() -> tuple:
    """When each compiled catalogue last changed."""
    stamps = []
    for code, _name in settings.LANGUAGES:
        compiled = catalogue_path(code).with_suffix(".mo")
        stamps.append(compiled.stat().st_mtime_ns if compiled.exists() else 0)
    return tuple(stamps)


def reload_catalogues():
    """Forget the translations this process has loaded; they are read again when needed.

    Cached pages carry the old strings, so they are renewed too.
    """
    translation_file_changed(sender=None, file_path=Path("django.mo"))
    page_cache.invalidate()


@receiver(catalogue_saved)
def renew_pages_after_string_edit(sender, **kwargs):
    page_cache.invalidate()


class CatalogueReloadMiddleware:
    """Reload the interface strings in this process when a translator changed them.

    Rosetta writes the catalogue in one worker process; every other worker notices the
    new file at its next request (one stat per language) and reads it again.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seen = catalogue_stamp()

    def __call__(self, request):
        current = catalogue_stamp()
        if current != self.seen:
            self.seen = current
            reload_catalogues()
        return self.get_response(request)


# Taking a catalogue back from a desktop tool ----------------------------------------------


class CatalogueUploadForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    catalogue = forms.FileField(
        label=_("Catalogue (.po)"),
        help_text=_(
            "A django.po file downloaded from here and translated in a desktop tool. "
            "Only the translations of existing strings are taken."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("catalogue")
        if not upload:
            return cleaned
        try:
            # polib reads a path when given one: parse from a file of our own, never from
            # text that could name a file on the server.
            with tempfile.NamedTemporaryFile(suffix=".po") as copy:
                copy.write(upload.read())
                copy.flush()
                self.uploaded = polib.pofile(copy.name)
        except UnicodeDecodeError:
            self.add_error("catalogue", _("This is not a readable .po file: it is not UTF-8."))
            return cleaned
        except (OSError, ValueError) as error:
            # polib's message names the temporary file on the server: say only the line.
            line = re.search(r"\(line (\d+)\)", str(error))
            self.add_error(
                "catalogue",
                _("This is not a readable .po file: see line %(line)s.") % {"line": line[1]}
                if line
                else _("This is not a readable .po file."),
            )
            return cleaned
        # Each translation is judged against the server's own string, never the file's.
        language = cleaned.get("language")
        ours = {}
        if language:
            ours = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(catalogue_path(language)))}
        problems = [
            problem
            for entry in self.uploaded
            if (entry.msgctxt, entry.msgid) in ours
            for problem in catalogue_problems(entry, ours[(entry.msgctxt, entry.msgid)])
        ]
        if problems:
            self.add_error(
                "catalogue",
                _("Placeholders or markup differ from the original in: %(list)s")
                % {"list": "; ".join(problems[:5])},
            )
        return cleaned


@receiver(entry_changed)
def refuse_markup(sender, old_msgstr, **kwargs):
    """A translation saved in the string editor may not add markup: it is not kept.

    A plain string goes back to what it was; a plural form that breaks the rule is
    emptied (the page then shows the source text) and flagged for review.
    """
    if not markup_problems(sender):
        return
    if sender.msgid_plural:
        for index, text in list(sender.msgstr_plural.items()):
            probe = polib.POEntry(
                msgid=sender.msgid, msgid_plural=sender.msgid_plural, msgstr_plural={0: text}
            )
            if markup_problems(probe):
                sender.msgstr_plural[index] = ""
        if "fuzzy" not in sender.flags:
            sender.flags.append("fuzzy")
    else:
        sender.msgstr = old_msgstr


def merge_catalogue(language: str, uploaded) -> int:
    """Copy the uploaded translations of strings the catalogue has; return how many changed."""
    path = catalogue_path(language)
    catalogue = polib.pofile(str(path), wrapwidth=0)
    incoming = {(e.msgctxt, e.msgid): e for e in uploaded if not e.obsolete}
    changed = 0
    for entry in catalogue:
        new = incoming.get((entry.msgctxt, entry.msgid))
        if new is None or "fuzzy" in new.flags:
            continue
        if entry.msgid_plural:
            if new.msgstr_plural and new.msgstr_plural != entry.msgstr_plural:
                entry.msgstr_plural = dict(new.msgstr_plural)
                changed += 1
        elif new.msgstr and new.msgstr != entry.msgstr:
            entry.msgstr = new.msgstr
            changed += 1
        if "fuzzy" in entry.flags and (entry.msgstr or entry.msgstr_plural):
            entry.flags.remove("fuzzy")
    if changed:
        catalogue.save(str(path))
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
        reload_catalogues()
    return changed


def upload_catalogue(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.ROSETTA_LOGIN_URL)
    if not can_edit_interface_strings(request.user):
        raise PermissionDenied
    form = CatalogueUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        changed = merge_catalogue(form.cleaned_data["language"], form.uploaded)
        messages.success(
            request,
            _("%(count)s translations were taken from the file.") % {"count": changed},
        )
        return redirect("rosetta-file-list", po_filter="project")
    context = {
        **admin.site.each_context(request),
        "title": _("Upload a translated catalogue"),
        "form": form,
    }
    return TemplateResponse(request, "admin/translations_upload.html", context)
