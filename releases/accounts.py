"""Staff sign-in: the second step, sessions that end, and the locked-out page.

Two-step sign-in uses django-otp: an authenticator app (TOTP, enrolled with a QR code
drawn here by segno) and ten recovery codes that work once each. The code is typed on
the admin's own login form, beside the password; every wrong code counts towards the
django-axes lockout like a wrong password.
"""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .models import AuditEvent

Action = AuditEvent.Action

AUTH_AT = "auth_at"  # when the user signed in (seconds since the epoch)
SEEN_AT = "seen_at"  # the last request, written at most once a minute
RECOVERY_CODES = "otp_new_recovery_codes"  # shown once, after they are made


def two_step_required(user) -> bool:
    """Whether ``user`` must use two-step sign-in: superusers and OTP_REQUIRED_GROUPS."""
    if not settings.OTP_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.OTP_REQUIRED_GROUPS).exists()


def verify_code(user, code: str):
    """The device of ``user`` that accepts ``code`` (app code or recovery code), or None.

    Each device is asked under a row lock, so that a code cannot be used twice at once;
    django-otp refuses a code already used and slows down repeated failures.
    """
    code = "".join(code.split()).lower()
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            # An app's code never goes to the recovery codes, nor the reverse, so that a
            # failure does not slow down the other device.
            if isinstance(device, TOTPDevice) != (code.isdigit() and len(code) == 6):
                continue
            if device.verify_token(code):
                return device
    return None


def code_field(**kwargs):
    return forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        **kwargs,
    )


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's login form with the code of the second step."""

    otp_token = code_field(
        required=False,
        help_text=_(
            "Six digits from your authenticator app, or one of your recovery codes. "
            "Leave it empty if you have not set up two-step sign-in yet."
        ),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_missing": _("Enter the code from your authenticator app, or a recovery code."),
        "code_wrong": _(
            "The code does not fit. Enter the code your app shows now, or an unused recovery code."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Django sets the length on the widget only: a longer name would reach django-axes,
        # whose columns are shorter, and end in a server error on PostgreSQL.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not any(devices_for_user(user)):
            return cleaned
        code = cleaned.get("otp_token", "")
        device = verify_code(user, code) if code else None
        if device is None:
            # Counted like a wrong password: a stolen password buys no free guesses.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
                reason="code",
            )
            self.user_cache = None
            error = "code_wrong" if code else "code_missing"
            raise ValidationError({"otp_token": self.error_messages[error]})
        # django-otp keeps it in the session when the user is logged in.
        user.otp_device = device
        return cleaned


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = int(timezone.now().timestamp())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now


class StaffSessionMiddleware:
    """End signed-in sessions that sat idle or grew old, and hold back the second step.

    A session ends after SESSION_IDLE_SECONDS without a request and SESSION_COOKIE_AGE
    after sign-in, however busy. A user who must use two-step sign-in and has not set
    it up may only set it up; a session that skipped the second step of an account
    that has one (opened before enrolment, elsewhere) is ended.
    """

    # What an enrolling user may open: the enrolment, its recovery codes, signing out.
    OPEN_DURING_ENROLMENT = {"two-step", "two-step-recovery-codes", "admin:logout"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            response = self.check_age(request) or self.check_second_step(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def end_session(self, request, reason, message):
        request.audit_logout_reason = reason
        logout(request)
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))

    def check_age(self, request):
        now = int(timezone.now().timestamp())
        started = request.session.get(AUTH_AT)
        seen = request.session.get(SEEN_AT)
        if started is None or seen is None or now - started > settings.SESSION_COOKIE_AGE:
            return self.end_session(
                request, "age", _("Your session has ended. Please sign in again.")
            )
        if now - seen > settings.SESSION_IDLE_SECONDS:
            return self.end_session(
                request,
                "idle",
                _("You were signed out after a while without activity. Please sign in again."),
            )
        if now - seen >= 60:
            request.session[SEEN_AT] = now
        return None

    def check_second_step(self, request, user):
        if user.is_verified():
            return None
        if any(devices_for_user(user)):
            return self.end_session(
                request,
                "second_step",
                _("Please sign in again with the code from your authenticator app."),
            )
        if not two_step_required(user):
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = None
        if name in self.OPEN_DURING_ENROLMENT:
            return None
        return redirect("two-step")


# Enrolment and recovery codes -----------------------------------------------------------------


class CodeForm(forms.Form):
    otp_token = code_field()


def qr_code_data_uri(device) -> str:
    """The device's otpauth:// address as an SVG QR code, drawn here: nothing leaves the site."""
    return segno.make(device.config_url, error="m").svg_data_uri(
        scale=5, border=4, dark="#000", light="#fff"
    )


def spaced_secret(device) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with OTP_RECOVERY_CODES new ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def admin_page(request, template, title, **context):
    response = TemplateResponse(
        request, template, {**admin.site.each_context(request), "title": title, **context}
    )
    return response


def two_step(request):
    """Set up two-step sign-in, or see it and renew the recovery codes once it is on."""
    user = request.user
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if app is not None:
        return two_step_status(request, app)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token("".join(form.cleaned_data["otp_token"].split())):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                request.session[RECOVERY_CODES] = new_recovery_codes(user)
                audit.record(user, Action.OTP_ENROLLED, user, request=request)
            otp_login(request, device)
            messages.success(request, _("Two-step sign-in is on."))
            return redirect("two-step-recovery-codes")
        form.add_error(
            "otp_token",
            _(
                "The code does not fit. Check the time on your phone and enter the code "
                "it shows now."
            ),
        )
    return admin_page(
        request,
        "admin/two_step_setup.html",
        _("Set up two-step sign-in"),
        form=form,
        qr_code=qr_code_data_uri(device),
        secret=spaced_secret(device),
        required=two_step_required(user),
    )


def two_step_status(request, app):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if verify_code(request.user, form.cleaned_data["otp_token"]) is not None:
            request.session[RECOVERY_CODES] = new_recovery_codes(request.user)
            audit.record(request.user, Action.RECOVERY_CODES, request.user, request=request)
            return redirect("two-step-recovery-codes")
        form.add_error("otp_token", _("The code does not fit."))
    left = StaticToken.objects.filter(device__user=request.user).count()
    return admin_page(
        request,
        "admin/two_step_status.html",
        _("Two-step sign-in"),
        form=form,
        app=app,
        recovery_codes_left=ngettext(
            "%(count)s recovery code left.", "%(count)s recovery codes left.", left
        )
        % {"count": left},
        may_remove=not two_step_required(request.user),
    )


def recovery_codes(request):
    """The new recovery codes, once: they are not kept in a form anyone can read again."""
    codes = request.session.pop(RECOVERY_CODES, [])
    return admin_page(
        request, "admin/two_step_recovery_codes.html", _("Recovery codes"), codes=codes
    )


def two_step_remove(request):
    """Turn two-step sign-in off, with a current code; not for those who must use it."""
    if two_step_required(request.user):
        raise PermissionDenied
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if verify_code(request.user, form.cleaned_data["otp_token"]) is not None:
            remove_devices(request.user, actor=request.user, request=request)
            messages.success(request, _("Two-step sign-in is off."))
            return redirect("two-step")
        form.add_error("otp_token", _("The code does not fit."))
    return admin_page(
        request, "admin/two_step_remove.html", _("Turn off two-step sign-in"), form=form
    )


def remove_devices(user, *, actor, request=None):
    """Delete every device of ``user``; they set two-step sign-in up again at next sign-in."""
    with transaction.atomic():
        removed = sum(
            model.objects.filter(user=user).delete()[0] for model in (TOTPDevice, StaticDevice)
        )
        if removed:
            audit.record(actor, Action.OTP_REMOVED, user, request=request)
    return removed


# The locked-out page ----------------------------------------------------------------------------


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked username and address: the admin's look, 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = admin_page(
        request,
        "admin/locked_out.html",
        _("Sign-in paused"),
        minutes=minutes,
    )
    response.status_code = settings.AXES_HTTP_RESPONSE_CODE
    response["Cache-Control"] = "no-store"
    return response.render()
