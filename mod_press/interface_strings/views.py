import re

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from rosetta import views as rosetta_views

from .access import can_edit_interface_strings
from .catalogues import merge_catalogue, save_catalogue
from .forms import CatalogueUploadForm


def upload_catalogue(request):
    """Take back a catalogue translated in a desktop tool, inside the admin's look."""
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


class TranslationFormView(rosetta_views.TranslationFormView):
    """Rosetta's string editor, saving the catalogue as ``make messages`` lays it out.

    The header stays as it was (rosetta would write the translator's name and e-mail
    and a date into it), so that one saved string is a diff of that entry alone; and the
    translator is told what was saved, or why a translation was not kept.
    """

    saved = False

    @cached_property
    def po_file(self):
        catalogue = super().po_file
        if self.po_file_is_writable:
            header = dict(catalogue.metadata)

            def save(*args, **kwargs):
                save_catalogue(catalogue, self.po_file_path, header=header)
                self.saved = True

            catalogue.save = save
        return catalogue

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        refused = self.refused_entries(request.POST)
        for entry in refused[:5]:
            messages.error(
                request,
                _(
                    "Not saved: the translation of “%(source)s” adds <, >, &, a straight "
                    "quotation mark or an apostrophe that the original does not have. Use « » "
                    "for quotation marks and ’ for the apostrophe."
                )
                % {"source": Truncator(entry.msgid).chars(80)},
            )
        if self.saved:
            messages.success(request, _("Saved. The site shows the new translations now."))
        return response

    def refused_entries(self, posted) -> list:
        """The entries whose posted translation was not kept (signals.refuse_markup)."""
        refused = []
        for name, value in posted.items():
            match = re.fullmatch(r"m_([0-9a-f]+)(?:_(\d+))?", name)
            entry = match and self.po_file.find(match[1], "md5hash")
            if not entry:
                continue
            if match[2] is None:
                kept = entry.msgstr == self.fix_nls(entry.msgid, value)
            else:
                kept = entry.msgstr_plural.get(int(match[2])) == self.fix_nls(
                    entry.msgid_plural, value
                )
            if not kept and entry not in refused:
                refused.append(entry)
        return refused


class TranslationFileDownload(rosetta_views.TranslationFileDownload):
    """The catalogue as a zip file named for the site and the language, not the server's path."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            response["Content-Disposition"] = (
                f'attachment; filename="mod_press-{self.language_id}.zip"'
            )
        return response
