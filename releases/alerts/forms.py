"""The subscription form: an address, and tags and officials chosen from the public ones."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from releases import page_cache
from releases.forms import INVALID_CHOICE, filter_options
from releases.models import Official, Tag

# The confirmation link carries the choices: a few dozen keep it short.
MAX_CHOICES = 30


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter the e-mail address the releases should be sent to."),
            "invalid": _("Enter a valid e-mail address, such as name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    tags = forms.MultipleChoiceField(
        label=_("Only releases with these tags"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=INVALID_CHOICE,
    )
    officials = forms.MultipleChoiceField(
        label=_("Only releases naming these officials"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=INVALID_CHOICE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The public tags and officials by their address in the page's language, as
        # the release list offers them (and read once per change of content).
        self.language = translation.get_language()
        options = page_cache.remember(
            f"filter-options:{self.language}", lambda: filter_options(self.language)
        )
        self.fields["tags"].choices = options["tag"]
        self.fields["officials"].choices = options["official"]

    def clean_email(self):
        # One subscription per address and language, whatever case it was typed in.
        return self.cleaned_data["email"].strip().lower()

    def _chosen(self, name, model):
        slugs = self.cleaned_data.get(name) or []
        if len(slugs) > MAX_CHOICES:
            raise forms.ValidationError(
                _("Choose at most %(count)s."), params={"count": MAX_CHOICES}, code="too_many"
            )
        field = f"slug_{self.language}"
        return sorted(model.objects.filter(**{f"{field}__in": slugs}).values_list("pk", flat=True))

    def clean_tags(self):
        return self._chosen("tags", Tag)

    def clean_officials(self):
        return self._chosen("officials", Official)
