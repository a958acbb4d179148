"""Subscriptions and alerts in the admin: counts for editors, addresses for few.

Editors see how many subscribe in each language and what each alert delivered; an
address is shown (and searchable) only with the ``view_subscriber_address`` permission.
Nothing here writes a subscription: people subscribe and unsubscribe themselves.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from releases.languages import LANGUAGES

from .models import Alert, Delivery, Subscription, masked

ADDRESS_PERMISSION = "releases.view_subscriber_address"


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No, waiting"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("address", "language", "confirmed_at", "chosen", "created_at")
    list_filter = ("language", ConfirmedFilter)
    fields = ("address", "language", "tags", "officials", "created_at", "confirmed_at")

    def may_read_addresses(self, request) -> bool:
        return request.user.has_perm(ADDRESS_PERMISSION)

    def with_address(self, request, names):
        """``names`` with the full address in place of the masked one, for those who may."""
        if not self.may_read_addresses(request):
            return names
        return tuple("email" if name == "address" else name for name in names)

    def get_list_display(self, request):
        return self.with_address(request, self.list_display)

    def get_fields(self, request, obj=None):
        return self.with_address(request, self.fields)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(tag_count=Count("tags", distinct=True))
            .annotate(official_count=Count("officials", distinct=True))
        )

    def lookup_allowed(self, lookup, value, request):
        # A filter by address in the query string (?email=…, ?email__startswith=…) would
        # tell, by the count, whether an address subscribed, letter by letter.
        if lookup.split("__")[0] == "email" and not self.may_read_addresses(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        # Searching by address would tell who subscribed: only for those who may read it.
        return ("email",) if self.may_read_addresses(request) else ()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("e-mail address"))
    def address(self, obj):
        return masked(obj.email)

    @admin.display(description=_("chosen tags and officials"))
    def chosen(self, obj):
        if not (obj.tag_count or obj.official_count):
            return _("every release")
        return _("%(tags)s tag(s), %(officials)s official(s)") % {
            "tags": obj.tag_count,
            "officials": obj.official_count,
        }

    def changelist_view(self, request, extra_context=None):
        counts = Subscription.objects.aggregate(
            **{
                code: Count("pk", filter=Q(language=code, confirmed_at__isnull=False))
                for code in LANGUAGES
            }
        )
        extra_context = {**(extra_context or {}), "confirmed_counts": counts}
        return super().changelist_view(request, extra_context)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = (
        "release",
        "language",
        "created_at",
        "sent",
        "waiting",
        "failed",
        "finished_at",
    )
    list_filter = ("language",)
    list_select_related = ("release",)
    fields = list_display
    readonly_fields = fields

    def get_queryset(self, request):
        state = Delivery.State
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__state=state.SENT)),
                waiting_count=Count(
                    "deliveries",
                    filter=Q(deliveries__state__in=(state.PENDING, state.SENDING)),
                ),
                failed_count=Count("deliveries", filter=Q(deliveries__state=state.FAILED)),
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sent"), ordering="sent_count")
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    @admin.display(description=_("failed"), ordering="failed_count")
    def failed(self, obj):
        return obj.failed_count
