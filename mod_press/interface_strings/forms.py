import re
import tempfile

import polib
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .catalogues import catalogue_path, catalogue_problems


class CatalogueUploadForm(forms.Form):
    """A catalogue brought back from a desktop tool; ``uploaded`` holds it once valid."""

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
