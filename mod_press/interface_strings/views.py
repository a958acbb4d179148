from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .access import can_edit_interface_strings
from .catalogues import merge_catalogue
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
