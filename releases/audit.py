"""The audit trail: one call, ``record()``, for any staff action that matters.

Sign-ins, failed sign-ins and lockouts come from Django's and django-axes' signals;
workflow steps from ``releases.workflow.apply`` (written when the release is saved, so a
refused form leaves no trace); two-step sign-in from ``releases.accounts``. Field-by-field
changes of accounts, groups, permissions, photo files and releases' documents are kept by
django-auditlog (registered below). Administrators read both in the admin
(``releases/admin/audit.py``).
"""

from contextvars import ContextVar

from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import AuditEvent, Document, Photo, Release
from .security import client_ip

Action = AuditEvent.Action

# The address of the request being answered, for records made deep inside (workflow).
_current_ip: ContextVar[str | None] = ContextVar("audit_ip", default=None)


def record(actor, action, obj=None, details=None, *, request=None, username=None):
    """Add ``action`` by ``actor`` (a user or None for the system) on ``obj`` to the trail."""
    ip_address = client_ip(request) if request is not None else _current_ip.get()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if username is None:
        username = actor.get_username() if actor is not None else ""
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        username=str(username)[:150],
        ip_address=ip_address,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        details=details or {},
    )


def record_when_saved(instance, actor, action, details=None):
    """Record ``action`` once ``instance`` is saved, in the transaction that saves it.

    A step a form accepted but whose save never came (another field was wrong) is not
    recorded.
    """
    pending = instance.__dict__.setdefault("_audit_pending", [])
    pending.append((actor, action, details))


@receiver(post_save, sender=Release)
def _record_pending(sender, instance, **kwargs):
    for actor, action, details in instance.__dict__.pop("_audit_pending", []):
        record(actor, action, instance, details)


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's actor and address, with the address the app trusts.

    django-auditlog alone takes the leftmost X-Forwarded-For entry, which the client
    writes; ``client_ip`` counts the proxies we run instead.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    def __call__(self, request):
        token = _current_ip.set(client_ip(request))
        try:
            return super().__call__(request)
        finally:
            _current_ip.reset(token)


# Signing in and out --------------------------------------------------------------------------


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    device = getattr(user, "otp_device", None)
    details = {"second_step": type(device).__name__} if device is not None else {}
    record(user, Action.SIGN_IN, user, details, request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Attempts made while locked out are counted by django-axes, not written here one by
    # one: the lockout is recorded once, and a flood of attempts cannot fill the trail.
    if getattr(request, "axes_failures_since_start", 0) > settings.AXES_FAILURE_LIMIT:
        return
    # The credentials come cleansed (no password); only the username is kept.
    username = credentials.get(get_user_model().USERNAME_FIELD) or ""
    reason = kwargs.get("reason", "password")
    record(
        None, Action.SIGN_IN_FAILED, None, {"reason": reason}, request=request, username=username
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    # django-axes signals every attempt made while locked; the trail keeps the first.
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    record(
        None,
        Action.LOCKED_OUT,
        None,
        {"failures": settings.AXES_FAILURE_LIMIT},
        request=request,
        username=username or "",
    )


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "audit_logout_reason", None)
    record(user, Action.SIGN_OUT, user, {"reason": reason} if reason else {}, request=request)


# Field-by-field changes (django-auditlog) ------------------------------------------------------

auditlog.register(
    get_user_model(),
    include_fields=["username", "is_active", "is_staff", "is_superuser"],
    m2m_fields={"groups", "user_permissions"},
)
auditlog.register(Group, include_fields=["name"], m2m_fields={"permissions"})
auditlog.register(Photo, include_fields=["image"])
auditlog.register(Document, include_fields=["release", "file"])
