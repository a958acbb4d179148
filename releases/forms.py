"""Forms of the public site."""

from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Country, Official, Release, Tag
from .text import alphabetical


class AlphabeticalChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label = self.field.label_from_instance
        for obj in sorted(self.queryset, key=lambda o: alphabetical(label(o))):
            yield self.choice(obj)


class LanguageSlugChoiceField(forms.ModelChoiceField):
    """A choice of objects named in URLs by their slug in the active language.

    Choices are listed in the alphabetical order of the active language.
    """

    iterator = AlphabeticalChoiceIterator

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", **kwargs)

    def _localise(self):
        lang = translation.get_language()
        self.to_field_name = f"slug_{lang}"
        self.queryset = self.queryset.exclude(**{f"slug_{lang}__isnull": True})


INVALID_CHOICE = {"invalid_choice": _("There is no such option. Choose one from the list.")}


class ReleaseFilterForm(forms.Form):
    """Filters of the release list, read from the query string."""

    tag = LanguageSlugChoiceField(
        Tag.objects.all(), label=_("Tag"), required=False, error_messages=INVALID_CHOICE
    )
    country = forms.ChoiceField(label=_("Country"), required=False, error_messages=INVALID_CHOICE)
    official = LanguageSlugChoiceField(
        Official.objects.all(), label=_("Official"), required=False, error_messages=INVALID_CHOICE
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages=INVALID_CHOICE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("country"):
            self.data = self.data.copy()
            self.data["country"] = self.data["country"].upper()
        # Choices come from what the public can read: a draft's tags, officials and
        # countries stay unknown until it is published.
        public = Release.objects.public()
        self.fields["tag"].queryset = Tag.objects.used_in(public)
        self.fields["official"].queryset = Official.objects.named_in(public)
        for name in ("tag", "official"):
            self.fields[name]._localise()
            self.fields[name].empty_label = _("All")
        countries = sorted(
            Country.objects.filter(releases__in=public).distinct(),
            key=lambda c: alphabetical(c.name),
        )
        self.fields["country"].choices = [("", _("All"))] + [
            (c.code.code, c.name) for c in countries
        ]
        years = public.dates("published_at", "year", order="DESC")
        self.fields["year"].choices = [("", _("All"))] + [(d.year, d.year) for d in years]

    @property
    def has_filters(self) -> bool:
        return any(self.data.get(name) for name in self.fields)

    def filter(self, queryset):
        """``queryset`` narrowed by the valid filters; an invalid one is shown, not applied."""
        if not self.is_bound:
            return queryset
        self.is_valid()
        data = self.cleaned_data
        if data.get("tag"):
            queryset = queryset.filter(tags=data["tag"])
        if data.get("country"):
            queryset = queryset.filter(countries__code=data["country"])
        if data.get("official"):
            official = data["official"]
            queryset = queryset.filter(Q(officials=official) | Q(blocks__official=official))
        if data.get("year"):
            queryset = queryset.filter(published_at__year=data["year"])
        return queryset.distinct()

    def query_string_in(self, language: str) -> str:
        """The valid filters as a query string for the same list in ``language``."""
        if not self.is_bound or not self.is_valid():
            return ""
        data = self.cleaned_data
        params = {}
        for name in ("tag", "official"):
            obj = data.get(name)
            slug = obj and getattr(obj, f"slug_{language}")
            if slug:
                params[name] = slug
        if data.get("country"):
            params["country"] = data["country"].lower()
        if data.get("year"):
            params["year"] = data["year"]
        return f"?{urlencode(params)}" if params else ""


class SearchForm(ReleaseFilterForm):
    """The search page: words, and the list's filters with a date range for the year."""

    q = forms.CharField(
        label=_("Search for"), required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    field_order = ["q", "tag", "country", "official", "date_from", "date_to"]

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
