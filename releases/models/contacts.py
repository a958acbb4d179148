"""The press office's contacts for journalists: one record, written in both languages."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from releases import limits
from releases.languages import localized

# A number as journalists dial it: "+380 44 000-00-00", "(044) 000 00 00".
PHONE = re.compile(r"\+?[0-9(][0-9 ()\-]{4,28}[0-9]")


def phone_numbers(text: str) -> list[str]:
    """The numbers of ``text``, one a line, blank lines skipped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def validate_phones(text: str):
    wrong = [number for number in phone_numbers(text) if not PHONE.fullmatch(number)]
    if wrong:
        raise ValidationError(
            _(
                "Write one telephone number a line, in digits with spaces, hyphens, brackets "
                "and a leading +: %(wrong)s is not one."
            ),
            code="phone",
            params={"wrong": wrong[0]},
        )


def dialable(number: str) -> str:
    """The ``tel:`` address of a number: its digits, with the leading + kept."""
    return "tel:" + ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)


class PressContactsQuerySet(models.QuerySet):
    def current(self):
        """The one record, or None while the press office has written none."""
        return self.order_by("pk").first()


class PressContacts(models.Model):
    """How journalists reach the press office; there is one record (``singleton``)."""

    # Always True and unique: a second record cannot be stored, whatever path writes it.
    singleton = models.BooleanField(default=True, editable=False, unique=True)
    phones = models.TextField(
        _("telephone numbers"),
        blank=True,
        max_length=500,
        validators=[validate_phones],
        help_text=_("One number a line, for example +380 44 000-00-00."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    address = limits.LimitedTextField(
        _("postal address"), blank=True, max_length=limits.CONTACTS_TEXT
    )
    office_hours = limits.LimitedTextField(
        _("office hours"), blank=True, max_length=limits.CONTACTS_TEXT
    )
    accreditation = limits.LimitedTextField(
        _("accreditation rules"),
        blank=True,
        max_length=limits.ACCREDITATION,
        help_text=_("Plain text: an empty line starts a new paragraph."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PressContactsQuerySet.as_manager()

    TEXTS = ("address", "office_hours", "accreditation")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("press office contacts")
        verbose_name_plural = _("press office contacts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(singleton=True), name="press_contacts_singleton"
            )
        ]

    def __str__(self):
        return str(_("Press office contacts"))

    def get_absolute_url(self):
        return reverse("releases:contacts")

    def clean(self):
        super().clean()
        others = PressContacts.objects.exclude(pk=self.pk)
        if others.exists():
            raise ValidationError(
                _("The press office has one contacts page: change the one that exists.")
            )

    def written_in(self, language: str) -> bool:
        """Whether any of the texts is written in ``language``."""
        return any(localized(self, field, language) for field in self.TEXTS)

    def phone_links(self) -> list[tuple[str, str]]:
        """``(number as written, tel: address)`` for each number."""
        return [(number, dialable(number)) for number in phone_numbers(self.phones)]
