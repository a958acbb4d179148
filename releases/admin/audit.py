"""The audit trail and staff accounts, for administrators.

Both trails are read-only, even for superusers: nobody edits or deletes what was recorded.
Users gain two actions: unlock sign-in (django-axes) and reset two-step sign-in.
"""

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from releases import audit
from releases.accounts import remove_devices
from releases.models import AuditEvent

from .common import ReadOnlyRecord


class ReadOnlyForAdministrators(ReadOnlyRecord):
    """Superusers read; nobody adds, changes or deletes."""

    def may_read(self, user):
        return user.is_active and user.is_superuser


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyForAdministrators):
    list_display = ["time", "action", "username", "ip_address", "target_link"]
    list_filter = ["action", "time"]
    search_fields = ["username", "ip_address", "object_repr"]
    date_hierarchy = "time"
    list_select_related = ["actor", "content_type"]
    fields = ["time", "action", "actor", "username", "ip_address", "target_link", "details_list"]
    readonly_fields = fields
    list_per_page = 50

    @admin.display(description=_("object"))
    def target_link(self, event):
        if not event.object_repr:
            return "—"
        if event.content_type is None:
            return event.object_repr
        return format_html(
            "{} <span class='quiet'>({})</span>", event.object_repr, event.content_type.name
        )

    @admin.display(description=_("details"))
    def details_list(self, event):
        if not event.details:
            return "—"
        return format_html(
            "<dl>{}</dl>",
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", sorted(event.details.items())),
        )


CHANGE_KINDS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("opened"),
}


# django-auditlog's own admin speaks English only; this one speaks the admin's language.
admin.site.unregister(LogEntry)
apps.get_app_config("auditlog").verbose_name = _("Audit trail")
LogEntry._meta.verbose_name = _("change to accounts and photos")
LogEntry._meta.verbose_name_plural = _("changes to accounts and photos")
# Devices are set up by their owners and reset from the user list, never edited by hand.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(LogEntry)
class ChangeLogAdmin(ReadOnlyForAdministrators):
    list_display = ["when", "kind", "object_type", "object_name", "by", "address"]
    list_filter = ["content_type", "timestamp"]
    search_fields = ["object_repr", "actor__username", "remote_addr"]
    date_hierarchy = "timestamp"
    list_select_related = ["actor", "content_type"]
    fields = ["when", "kind", "object_type", "object_name", "by", "address", "change_list"]
    readonly_fields = fields

    @admin.display(description=_("time"), ordering="timestamp")
    def when(self, entry):
        return entry.timestamp

    @admin.display(description=_("object"), ordering="object_repr")
    def object_name(self, entry):
        return entry.object_repr

    @admin.display(description=_("by"), ordering="actor")
    def by(self, entry):
        return entry.actor or "—"

    @admin.display(description=_("address"))
    def address(self, entry):
        return entry.remote_addr or "—"

    @admin.display(description=_("change"), ordering="action")
    def kind(self, entry):
        return CHANGE_KINDS.get(entry.action, entry.action)

    @admin.display(description=_("kind of object"))
    def object_type(self, entry):
        return entry.content_type.name if entry.content_type else "—"

    @admin.display(description=_("what changed"))
    def change_list(self, entry):
        changes = entry.changes_dict or {}
        if not changes:
            return "—"
        rows = []
        for field, change in sorted(changes.items()):
            if isinstance(change, dict):  # many-to-many: the objects added or removed
                objects = ", ".join(str(name) for name in change.get("objects", []))
                removed = change.get("operation") in ("delete", "clear")
                before, after = (objects, "") if removed else ("", objects)
            else:
                before, after = [*change, "", ""][:2]
            rows.append((field, before or "—", after or "—"))
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("field"),
            _("before"),
            _("after"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )


# Users: two-step sign-in at a glance, unlocking and resetting ----------------------------------

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "two_step"]
    actions = ["unlock_sign_in", "reset_two_step"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("totpdevice_set")

    @admin.display(description=_("two-step sign-in"), boolean=True)
    def two_step(self, user):
        return any(device.confirmed for device in user.totpdevice_set.all())

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("unlock_sign_in", None)
            actions.pop("reset_two_step", None)
        return actions

    @admin.action(description=_("Unlock sign-in for the selected users"))
    def unlock_sign_in(self, request, queryset):
        from axes.utils import reset

        if not request.user.is_superuser:
            return
        for user in queryset:
            cleared = reset(username=user.get_username())
            audit.record(
                request.user,
                AuditEvent.Action.UNLOCKED,
                user,
                {"attempts_cleared": cleared},
                request=request,
            )
        messages.success(request, _("Sign-in is unlocked for the selected users."))

    @admin.action(
        description=_("Reset two-step sign-in for the selected users (they set it up again)")
    )
    def reset_two_step(self, request, queryset):
        if not request.user.is_superuser:
            return
        count = sum(
            1 for user in queryset if remove_devices(user, actor=request.user, request=request)
        )
        messages.success(
            request,
            ngettext(
                "Two-step sign-in was reset for %(count)s user.",
                "Two-step sign-in was reset for %(count)s users.",
                count,
            )
            % {"count": count},
        )
