"""The rich-text editor of paragraph blocks: django-prose-editor limited to our safelist.

The editor (ProseMirror, self-hosted in django-prose-editor's static files) offers exactly
what ``releases.text.clean_inline_html`` keeps: bold, italic, links and line breaks. It is
started by ``js/rich-text.js`` without the package's import map and without the style
element Tiptap would inject, so the admin's Content-Security-Policy stays as strict as
the rest of the site. Whatever the browser sends, the server sanitises it again.
"""

import json
import re

from django import forms
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from releases.languages import LANGUAGES
from releases.models import Block
from releases.text import LINK_SCHEMES, clean_inline_html
from releases.video import YouTubeAddressField

# The editor's extensions, in django-prose-editor's terms: each gives one tag of
# releases.text.INLINE_TAGS. Its core adds the document, text, the paragraph (<p>, the
# container ProseMirror needs, which the form unwraps), undo and the toolbar.
EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": sorted(LINK_SCHEMES)},
    "HardBreak": True,
}

# The toolbar's buttons are labelled in English by the package; js/rich-text.js relabels
# them with these, and js/rich-text-strings.js answers the link dialog's gettext with those.
BUTTON_LABELS = {
    "bold": _("Bold (Ctrl+B)"),
    "italic": _("Italic (Ctrl+I)"),
    "insert link": _("Link (Ctrl+K)"),
    "remove link": _("Remove the link"),
    "undo": _("Undo (Ctrl+Z)"),
    "redo": _("Redo (Ctrl+Shift+Z)"),
}
DIALOG_STRINGS = {
    "Edit Link": _("Link"),
    "URL": _("Address (https://…, mailto:…)"),
    "Title": _("Title shown on hover (optional)"),
    "Update": _("Apply"),
    "Cancel": _("Cancel"),
}


class RichTextWidget(forms.Textarea):
    """A textarea that ``js/rich-text.js`` turns into the editor while its block is a
    paragraph (a quote keeps the plain textarea). Without JavaScript the textarea takes
    the same inline markup."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 5, "class": "press-rich-text-source", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-rich-text"] = json.dumps(
            {
                "extensions": EXTENSIONS,
                "buttons": {key: str(label) for key, label in BUTTON_LABELS.items()},
                "strings": {key: str(text) for key, text in DIALOG_STRINGS.items()},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return context

    @property
    def media(self):
        return forms.Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "django_prose_editor/overrides.css",
                    "css/rich-text.css",
                ]
            },
            js=["js/rich-text-strings.js", forms.Script("js/rich-text.js", type="module")],
        )


class RichTextDisplay(forms.Widget):
    """A block's text where it may only be read: a paragraph formatted (sanitised again,
    whatever is stored), a quote as plain text. The admin renders a read-only field with
    its form field's widget when that widget says ``read_only``."""

    read_only = True

    def __init__(self, kind=Block.Kind.PARAGRAPH, attrs=None):
        super().__init__(attrs)
        self.kind = kind

    def render(self, name, value, attrs=None, renderer=None):
        if not value:
            return mark_safe("—")
        if self.kind == Block.Kind.PARAGRAPH:
            return format_html(
                '<div class="press-rich-text">{}</div>', mark_safe(clean_inline_html(value))
            )
        return format_html('<div class="press-rich-text">{}</div>', linebreaksbr(value))


def show_read_only_texts(form, names):
    """Give each read-only text field of a block ``form`` the display above.

    The admin leaves read-only fields out of the form and would show them escaped, so
    ``<strong>`` would be read as such; a disabled field that is never saved carries the
    widget instead (its value is ignored in a POST)."""
    for name in names:
        if name not in form.fields:
            form.fields[name] = forms.CharField(
                required=False,
                disabled=True,
                widget=RichTextDisplay(kind=form.instance.kind),
            )


# ProseMirror puts paragraphs in <p>; a block is one paragraph whose lines are <br>.
PARAGRAPH_BREAK = re.compile(r"</p>\s*<p(?:\s[^>]*)?>", re.IGNORECASE)
OUTER_BREAKS = re.compile(r"^(?:\s*<br>)+|(?:<br>\s*)+$")


def editor_html_to_inline(value: str) -> str:
    """The editor's HTML as a paragraph block stores it: ``<p>`` wrappers gone, paragraphs
    pasted into one block kept apart by a line break, and only the safelist left."""
    text = PARAGRAPH_BREAK.sub("<br>", (value or "").strip())
    return OUTER_BREAKS.sub("", clean_inline_html(text)).strip()


TEXT_FIELDS = [f"text_{lang}" for lang in LANGUAGES]


class BlockForm(forms.ModelForm):
    """A body block: a paragraph's text arrives from the editor and is stored inline.

    Each text field says its block's kind to the editor's script (a translator's form has
    no kind to choose), and a text that may only be read is shown formatted. A video is
    given by its address on YouTube, which the form reads its id from."""

    class Meta:
        field_classes = {"video_id": YouTubeAddressField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            if name in self.fields:
                widget = self.fields[name].widget
                if isinstance(widget, RichTextDisplay):
                    widget.kind = self.instance.kind
                else:
                    widget.attrs["data-block-kind"] = self.instance.kind
        show_read_only_texts(self, TEXT_FIELDS)

    def _update_errors(self, errors):
        # An address its field refused leaves no id behind, and the model would say
        # "paste the address" under the field's own, more precise reason: one is enough.
        if self.has_error("video_id") and hasattr(errors, "error_dict"):
            errors.error_dict.pop("video_id", None)
        super()._update_errors(errors)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind", self.instance.kind) == Block.Kind.PARAGRAPH:
            for name, value in list(cleaned.items()):
                if name.startswith("text_") and isinstance(value, str):
                    cleaned[name] = editor_html_to_inline(value)
        return cleaned


class RichTextBlocks:
    """For an inline of body blocks: their text fields get the editor, or, when the
    release may only be viewed, the formatted display."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":  # text_uk and text_en copy the widget of text
            kwargs["widget"] = RichTextWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and not self.texts_editable(request, obj):
            # The admin shows every field read-only then; it renders a field with its
            # widget only when the widget says read_only.
            for name in TEXT_FIELDS:
                if name in formset.form.base_fields:
                    formset.form.base_fields[name].widget = RichTextDisplay()
        return formset

    def texts_editable(self, request, release):
        """Whether the admin offers this inline's fields for editing (as it decides in
        ``ModelAdmin.get_inline_formsets``): the blocks and their release both editable."""
        parent = self.admin_site.get_model_admin(self.parent_model)
        return self.has_change_permission(request, release) and parent.has_change_permission(
            request, release
        )
