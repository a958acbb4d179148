"""The photo chooser as a form field: the chosen photo by sight, and a button to change it.

Without JavaScript (or before ``photo-chooser.js`` runs) the field is the admin's own
autocomplete, which it draws inside; the script hides it and opens the chooser
(``chooser.py``) instead. The chosen photo's thumbnail and caption are drawn on the
server, so they show as soon as the form opens on an existing release.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.template.loader import render_to_string
from django.urls import reverse

from .chooser import describe
from .models import Photo


class PhotoChooser(AutocompleteSelect):
    chosen = None

    def optgroups(self, name, value, attr=None):
        """The chosen photo as the select's one option, read once for the thumbnail too."""
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        photos = list(self.choices.queryset.using(self.db).filter(pk__in=selected))
        self.chosen = describe(photos[0]) if photos else None
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        if self.chosen:
            options.append(
                self.create_option(
                    name, self.chosen["id"], self.chosen["label"], True, len(options)
                )
            )
        return [(None, options, 0)]

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return render_to_string(
            "admin/releases/photo/chooser_widget.html",
            {
                "field": field,
                "field_id": field_id,
                "chosen": self.chosen,
                "required": self.is_required,
                "chooser_url": reverse(f"{self.admin_site.name}:releases_photo_chooser"),
            },
        )

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/photo-chooser.js"], css={"screen": ["css/photo-chooser.css"]}
        )


class PhotoChooserMixin:
    """For a ModelAdmin or inline: its foreign keys to photos are chosen with the chooser."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Photo and "widget" not in kwargs:
            kwargs["widget"] = PhotoChooser(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper) and isinstance(
            widget.widget, PhotoChooser
        ):
            # Photos are uploaded in the chooser: no pop-up windows beside it.
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield
