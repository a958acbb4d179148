"""Forms of the public site."""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from releases.languages import localized

from . import limits, page_cache
from .models import Country, Official, Release, Tag
from .text import alphabetical


class OptionsSelect(forms.Select):
    """A ``<select>`` of flat choices whose options are written in Python, in the same
    markup as Django's own.

    Django renders every ``<option>`` through a template of its own: the list's filters
    offer a couple of hundred options, and rendering them took most of the time of an
    uncached list or search page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)


class LanguageSlugChoiceField(forms.ModelChoiceField):
    """A choice of objects named in URLs by their slug in the active language.

    Only the options the form offers (``filter_options``) are valid; the chosen one is
    then read by its slug.
    """

    widget = OptionsSelect

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", **kwargs)

    def _localise(self):
        self.to_field_name = f"slug_{translation.get_language()}"

    def to_python(self, value):
        if value not in self.empty_values and not any(
            str(value) == str(slug) for slug, _label in self.choices
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


INVALID_CHOICE = {"invalid_choice": _("There is no such option. Choose one from the list.")}


def filter_options(language) -> dict[str, list[tuple]]:
    """The list's filter options: what the releases public in ``language`` carry.

    Read once per change of content (``page_cache.remember``), not on every request.
    """
    public = Release.objects.public(language)
    slug = f"slug_{language}"
    tags = Tag.objects.used_in(public).exclude(**{f"{slug}__isnull": True})
    officials = Official.objects.named_in(public).exclude(**{f"{slug}__isnull": True})
    countries = Country.objects.filter(pk__in=public.values("countries"))
    years = public.dates("published_at", "year", order="DESC")
    return {
        "tag": alphabetical_choices((getattr(t, slug), str(t)) for t in tags),
        "official": alphabetical_choices((getattr(o, slug), str(o)) for o in officials),
        "country": alphabetical_choices((c.code.code, c.name) for c in countries),
        "year": [(d.year, d.year) for d in years],
    }


def alphabetical_choices(choices) -> list[tuple]:
    return sorted(choices, key=lambda choice: alphabetical(choice[1]))


class ReleaseFilterForm(forms.Form):
    """Filters of the release list, read from the query string."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All")), *Release.Kind.choices],
        required=False,
        widget=OptionsSelect,
        error_messages=INVALID_CHOICE,
    )
    tag = LanguageSlugChoiceField(
        Tag.objects.all(), label=_("Tag"), required=False, error_messages=INVALID_CHOICE
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, widget=OptionsSelect, error_messages=INVALID_CHOICE
    )
    official = LanguageSlugChoiceField(
        Official.objects.all(), label=_("Official"), required=False, error_messages=INVALID_CHOICE
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=OptionsSelect,
        error_messages=INVALID_CHOICE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("country"):
            self.data = self.data.copy()
            self.data["country"] = self.data["country"].upper()
        # Choices come from what the public can read: a draft's tags, officials and
        # countries stay unknown until it is published.
        for name in ("tag", "official"):
            self.fields[name]._localise()
        lang = translation.get_language()
        options = page_cache.remember(f"filter-options:{lang}", lambda: filter_options(lang))
        for name, choices in options.items():
            self.fields[name].choices = [("", _("All")), *choices]

    @property
    def has_filters(self) -> bool:
        return any(self.data.get(name) for name in self.fields)

    def filter(self, queryset):
        """``queryset`` narrowed by the valid filters; an invalid one is shown, not applied."""
        if not self.is_bound:
            return queryset
        self.is_valid()
        data = self.cleaned_data
        # A release has a tag or a country at most once, and naming() repeats none: no
        # filter here repeats a release, so no DISTINCT (which would sort whole rows).
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("tag"):
            queryset = queryset.filter(tags=data["tag"])
        if data.get("country"):
            queryset = queryset.filter(countries__code=data["country"])
        if data.get("official"):
            queryset = queryset.naming(data["official"])
        if data.get("year"):
            queryset = queryset.filter(published_at__year=data["year"])
        return queryset

    def query_string_in(self, language: str) -> str:
        """The valid filters as a query string for the same list in ``language``."""
        if not self.is_bound or not self.is_valid():
            return ""
        data = self.cleaned_data
        params = {}
        if data.get("kind"):
            params["kind"] = data["kind"]
        for name in ("tag", "official"):
            obj = data.get(name)
            slug = obj and localized(obj, "slug", language)
            if slug:
                params[name] = slug
        if data.get("country"):
            params["country"] = data["country"].lower()
        if data.get("year"):
            params["year"] = data["year"]
        return f"?{urlencode(params)}" if params else ""


class SearchForm(ReleaseFilterForm):
    """The search page: words, and the list's filters with a date range for the year."""

    # Not max_length: a longer query is shortened and searched for, and the page says so.
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": limits.SEARCH_QUERY}),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    field_order = ["q", "kind", "tag", "country", "official", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["year"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    @property
    def query(self) -> str:
        """The words searched for, even when a filter beside them is wrong."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get("q") or ""

    def filter(self, queryset):
        queryset = super().filter(queryset)
        data = self.cleaned_data if self.is_bound else {}
        if data.get("date_from"):
            queryset = queryset.filter(published_at__date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(published_at__date__lte=data["date_to"])
        return queryset

    def query_string_in(self, language: str) -> str:
        base = super().query_string_in(language)
        if not self.is_bound or not self.is_valid():
            return base
        extra = {
            name: str(self.cleaned_data[name])
            for name in ("q", "date_from", "date_to")
            if self.cleaned_data.get(name)
        }
        if not extra:
            return base
        joined = urlencode(extra)
        return f"{base}&{joined}" if base else f"?{joined}"
