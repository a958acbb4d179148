"""Embargo access in the admin: editors give journalists a personal link to a scheduled
release from the release's page, withdraw it with one click and see each view."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from releases import workflow
from releases.models import EmbargoAccess, EmbargoView, Release

from .common import ReadOnlyRecord


def may_manage_embargo(user) -> bool:
    """Embargo opens a release before its time: for those who decide that time."""
    return workflow.is_editor(user)


def embargo_note(release) -> str:
    """What the embargo section of ``release``'s page says, by the release's state."""
    if EmbargoAccess.may_be_given_for(release):
        when = formats.date_format(timezone.localtime(release.published_at), "j E Y, H:i")
        return gettext(
            "Each journalist gets a personal link that shows the release, marked as under "
            "embargo, until %(when)s (Kyiv time); from then on it leads to the public page. "
            "Withdrawing a link works at once."
        ) % {"when": when}
    if release.status == Release.Status.ARCHIVED:
        return gettext("The release is archived: no embargo access can be given.")
    if release.is_live:
        return gettext(
            "The release is public: the links below lead to its public page, and no new "
            "embargo access can be given."
        )
    return gettext(
        "Embargo access can be given once the release is scheduled for a time still to come "
        "(and only until then). To show a draft to someone, use a preview link."
    )


class EmbargoAccessForm(forms.ModelForm):
    class Meta:
        model = EmbargoAccess
        fields = ["name", "outlet", "email"]
        # Narrow boxes, so that the links and the button fit the row.
        widgets = {
            "name": forms.TextInput(attrs={"size": 18}),
            "outlet": forms.TextInput(attrs={"size": 14}),
            "email": forms.EmailInput(attrs={"size": 20}),
        }


class EmbargoAccessInline(admin.TabularInline):
    """The journalists given the release under embargo, their links and their views."""

    model = EmbargoAccess
    form = EmbargoAccessForm
    extra = 0
    can_delete = False  # withdrawn instead: the record of who had it stays
    # Opening the link from here would count as the journalist's view: it is copied instead.
    view_on_site = False
    fields = ["name", "outlet", "email", "addresses", "seen", "withdraw"]
    readonly_fields = ["addresses", "seen", "withdraw"]
    verbose_name = _("embargo access for a journalist")
    verbose_name_plural = _("embargo: journalists who may read the release before its time")
    template = "admin/releases/release/embargo_inline.html"

    def has_view_permission(self, request, obj=None):
        return may_manage_embargo(request.user)

    def has_change_permission(self, request, obj=None):
        return may_manage_embargo(request.user)

    def has_add_permission(self, request, obj=None):
        # Decided on the server too: the admin ignores rows added when this says no.
        return (
            obj is not None
            and may_manage_embargo(request.user)
            and EmbargoAccess.may_be_given_for(obj)
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("release", "withdrawn_by")
            .annotate(view_count=Count("views"), last_view=Max("views__time"))
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.embargo_note = embargo_note(obj) if obj is not None else ""
        return formset

    @admin.display(description=_("personal link"))
    def addresses(self, access):
        if not access.pk:
            return "—"
        # Each language's link, marked with its language: the journalist gets the one
        # they read in (a new page load signs the links anew; earlier ones keep working).
        return format_html_join(
            " ",
            '<span class="press-link"><span aria-hidden="true">{}</span> '
            '<input type="text" readonly value="{}" size="28" aria-label="{}"></span>',
            (
                (
                    lang.upper(),
                    url,
                    gettext("Link for %(name)s, %(language)s")
                    % {"name": access.name, "language": lang.upper()},
                )
                for lang, url in access.urls().items()
            ),
        )

    @admin.display(description=_("views"))
    def seen(self, access):
        if not access.pk or not getattr(access, "view_count", 0):
            return gettext("not opened yet")
        log = reverse("admin:releases_embargoview_changelist") + f"?access__id__exact={access.pk}"
        last = formats.date_format(timezone.localtime(access.last_view), "j E Y, H:i:s")
        return format_html(
            '<a href="{}">{}</a>',
            log,
            gettext("%(count)s, last on %(when)s") % {"count": access.view_count, "when": last},
        )

    @admin.display(description=_("withdraw"))
    def withdraw(self, access):
        if not access.pk:
            return "—"
        if access.withdrawn_at:
            when = formats.date_format(timezone.localtime(access.withdrawn_at), "j E Y, H:i")
            by = access.withdrawn_by.get_username() if access.withdrawn_by else "—"
            return gettext("Withdrawn on %(when)s by %(by)s") % {"when": when, "by": by}
        url = reverse(
            "admin:releases_release_embargo_withdraw", args=[access.release_id, access.pk]
        )
        return format_html(
            '<button type="submit" class="button" formaction="{}" formnovalidate '
            'name="_withdraw_embargo" value="{}">{}</button>',
            url,
            access.pk,
            gettext("Withdraw now"),
        )


def withdraw_view(request, object_id, access_id):
    """Withdraw one journalist's access, from the button beside it on the release's page.

    The button posts the release form here: only the access named, of the release named,
    is touched, and only by an editor.
    """
    if request.method != "POST" or not may_manage_embargo(request.user):
        raise PermissionDenied
    try:
        access = EmbargoAccess.objects.get(pk=access_id, release_id=int(object_id))
    except (EmbargoAccess.DoesNotExist, ValueError, OverflowError):
        # OverflowError: a number too big for the database's integers names nothing.
        raise Http404 from None
    access.withdraw(request.user)
    messages.success(
        request,
        gettext("%(journalist)s's access was withdrawn: the link no longer shows the release.")
        % {"journalist": access},
    )
    return redirect("admin:releases_release_change", access.release_id)


@admin.register(EmbargoView)
class EmbargoViewAdmin(ReadOnlyRecord):
    """Every view of a release under embargo, for editors: read-only."""

    list_display = [
        "time",
        "journalist",
        "staff",
        "outlet",
        "release",
        "language",
        "ip_address",
        "user_agent",
    ]
    list_filter = ["language", ("time", admin.DateFieldListFilter)]
    search_fields = ["access__name", "access__outlet", "access__email", "ip_address"]
    list_select_related = ["access__release", "staff"]
    date_hierarchy = "time"

    def may_read(self, user):
        return may_manage_embargo(user)

    @admin.display(description=_("journalist"), ordering="access__name")
    def journalist(self, view):
        return view.access.name

    @admin.display(description=_("outlet"), ordering="access__outlet")
    def outlet(self, view):
        return view.access.outlet

    @admin.display(description=_("release"))
    def release(self, view):
        release = view.access.release
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:releases_release_change", args=[release.pk]),
            release,
        )
