"""The audit trail: who did what that matters, readable by administrators only."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from releases import audit
from releases.models import AuditEvent, Release
from releases.roles import EDITOR, PRESS_OFFICER

from .factories import jpeg_bytes, make_photo, make_user, written_by
from .helpers import (
    client_for,
    code_for,
    datetime_fields,
    forge_transition,
    form_data,
    sign_in,
    soup_of,
    upload,
)

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


# Signing in -----------------------------------------------------------------------------------


def test_sign_in_and_failed_sign_in_are_recorded_with_the_address(settings):
    settings.PROXY_HOPS = 1
    user = make_user("editor", EDITOR)
    browser = Client(REMOTE_ADDR="172.18.0.5")
    sign_in(browser, "editor", "wrong", HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.10")
    sign_in(browser, "editor", "pw", HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.10")
    failed = events(Action.SIGN_IN_FAILED).get()
    assert failed.username == "editor"
    assert failed.ip_address == "203.0.113.10"
    assert "wrong" not in str(failed.details)
    signed = events(Action.SIGN_IN).get()
    assert signed.actor == user
    assert signed.ip_address == "203.0.113.10"


def test_a_lockout_is_recorded(client, settings):
    make_user("editor", EDITOR)
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in(client, "editor", "wrong")
    assert events(Action.LOCKED_OUT, username="editor").count() == 1


def test_sign_out_is_recorded(client):
    user = make_user("editor", EDITOR)
    sign_in(client, "editor")
    client.post("/admin/logout/")
    assert events(Action.SIGN_OUT, actor=user).exists()


# The workflow ---------------------------------------------------------------------------------


def test_publishing_is_recorded_with_the_editor_and_the_states(people):
    release = written_by(people["officer"], status=Release.Status.IN_REVIEW)
    forge_transition(client_for(people["editor"]), release, "publish")
    event = events(Action.PUBLISH).get()
    assert event.actor == people["editor"]
    assert event.target == release
    assert event.details["from"] == Release.Status.IN_REVIEW
    assert event.details["to"] == Release.Status.PUBLISHED


def test_scheduling_sending_back_and_archiving_are_recorded(people):
    editor = client_for(people["editor"])
    scheduled = written_by(people["officer"], status=Release.Status.IN_REVIEW)
    future = timezone.now() + timedelta(days=2)
    forge_transition(editor, scheduled, "schedule", **datetime_fields("published_at", future))
    returned = written_by(people["officer"], status=Release.Status.IN_REVIEW)
    forge_transition(editor, returned, "reject", review_comment="Додайте цитату.")
    archived = written_by(people["officer"], status=Release.Status.PUBLISHED)
    forge_transition(
        editor,
        archived,
        "archive",
        archive_mode="notice",
        archive_reason_uk="Застаріло.",
        archive_reason_en="Out of date.",
    )
    assert events(Action.SCHEDULE).get().target == scheduled
    rejected = events(Action.REJECT).get()
    assert rejected.target == returned
    assert rejected.details["comment"] == "Додайте цитату."
    assert events(Action.ARCHIVE).get().target == archived


def test_a_refused_transition_leaves_no_trace(people):
    release = written_by(people["officer"])
    forge_transition(client_for(people["officer"]), release, "publish")
    editor = client_for(people["editor"])
    # Refused by the form: a schedule without a time in the future.
    forge_transition(editor, release, "schedule", published_at_0="", published_at_1="")
    assert not AuditEvent.objects.filter(
        action__in=[Action.PUBLISH, Action.SCHEDULE], object_id=str(release.pk)
    ).exists()
    release.refresh_from_db()
    assert release.status == Release.Status.DRAFT


def test_publication_by_the_scheduler_is_recorded():
    release = written_by(None, status=Release.Status.SCHEDULED)
    Release.objects.filter(pk=release.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    call_command("publish_scheduled", verbosity=0)
    event = events(Action.PUBLISH).get()
    assert event.actor is None
    assert event.target == release
    assert event.details["by"] == "schedule"


# Roles and permissions (django-auditlog) --------------------------------------------------------


def user_change_data(client, user):
    return form_data(client, f"/admin/auth/user/{user.pk}/change/")


def test_a_change_of_groups_is_recorded_with_who_made_it(superuser):
    officer = make_user("officer", PRESS_OFFICER)
    admin = client_for(superuser)
    data = user_change_data(admin, officer)
    data["groups"] = [str(Group.objects.get(name=EDITOR).pk)]
    response = admin.post(f"/admin/auth/user/{officer.pk}/change/", data)
    assert response.status_code == 302
    assert list(officer.groups.values_list("name", flat=True)) == [EDITOR]
    entries = LogEntry.objects.get_for_object(officer).filter(changes__has_key="groups")
    entry = entries.latest("timestamp")
    assert entry.actor == superuser
    assert EDITOR in str(entry.changes["groups"])


def test_superuser_status_and_user_permissions_are_recorded(superuser):
    officer = make_user("officer", PRESS_OFFICER)
    admin = client_for(superuser)
    data = user_change_data(admin, officer)
    data["is_superuser"] = "on"
    permission = Permission.objects.get(codename="publish_release")
    data["user_permissions"] = [str(permission.pk)]
    admin.post(f"/admin/auth/user/{officer.pk}/change/", data)
    changes = {}
    for entry in LogEntry.objects.get_for_object(officer):
        changes.update(entry.changes)
    assert "is_superuser" in changes
    assert "user_permissions" in changes
    assert "password" not in changes


def test_a_change_of_a_groups_permissions_is_recorded(superuser):
    group = Group.objects.get(name=PRESS_OFFICER)
    group.permissions.add(Permission.objects.get(codename="publish_release"))
    entry = LogEntry.objects.get_for_object(group).latest("timestamp")
    assert "permissions" in entry.changes


def test_replacing_a_photos_file_is_recorded(superuser):
    photo = make_photo()
    admin = client_for(superuser)
    url = f"/admin/releases/photo/{photo.pk}/change/"
    data = form_data(admin, url)
    data["image"] = upload("new.jpg", jpeg_bytes((80, 60), "#aa3333"))
    response = admin.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    entry = LogEntry.objects.get_for_object(photo).latest("timestamp")
    assert "image" in entry.changes
    assert entry.actor == superuser


# Two-step sign-in ------------------------------------------------------------------------------


def test_enrolment_and_removal_of_two_step_sign_in_are_recorded(client, settings, superuser):
    settings.OTP_REQUIRED = True
    settings.OTP_REQUIRED_GROUPS = [EDITOR]
    user = make_user("editor", EDITOR)
    sign_in(client, "editor")
    client.get("/admin/two-step/")
    device = TOTPDevice.objects.get(user=user)
    client.post("/admin/two-step/", {"otp_token": code_for(device)})
    assert events(Action.OTP_ENROLLED, actor=user).exists()
    # An administrator, signed in with two steps, resets it for someone who lost their phone.
    admin = Client()
    device = TOTPDevice.objects.create(user=superuser)
    assert sign_in(admin, "chief", code=code_for(device)).status_code == 302
    response = admin.post(
        "/admin/auth/user/",
        {"action": "reset_two_step", "_selected_action": [str(user.pk)]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    removed = events(Action.OTP_REMOVED).get()
    assert removed.actor == superuser
    assert removed.target == user


# Reading it -----------------------------------------------------------------------------------


def test_administrators_read_the_trail_in_ukrainian_and_cannot_change_it(superuser):
    admin = client_for(superuser)
    event = audit.record(superuser, Action.SIGN_IN, superuser)
    count = AuditEvent.objects.count()
    response = admin.get("/admin/releases/auditevent/")
    assert response.status_code == 200
    text = soup_of(response).get_text(" ")
    assert "Журнал аудиту" in text
    assert "Вхід" in text
    assert admin.get(f"/admin/releases/auditevent/{event.pk}/change/").status_code == 200
    admin.post(f"/admin/releases/auditevent/{event.pk}/change/", {"action": "sign_out"})
    admin.post(f"/admin/releases/auditevent/{event.pk}/delete/", {"post": "yes"})
    event.refresh_from_db()
    assert event.action == Action.SIGN_IN
    assert AuditEvent.objects.count() == count
    assert admin.get("/admin/releases/auditevent/add/").status_code == 403
    english = admin.get("/en/admin/releases/auditevent/")
    assert "Audit trail" in english.content.decode()


def test_administrators_read_changes_to_accounts_in_the_admin(superuser):
    officer = make_user("officer", PRESS_OFFICER)
    officer.groups.add(Group.objects.get(name=EDITOR))
    admin = client_for(superuser)
    response = admin.get("/admin/auditlog/logentry/")
    assert response.status_code == 200
    assert "officer" in response.content.decode()
    entry = LogEntry.objects.get_for_object(officer).latest("timestamp")
    admin.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"})
    assert LogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("role", [EDITOR, PRESS_OFFICER])
def test_staff_who_are_not_administrators_cannot_read_the_trail(role):
    user = make_user("someone", role)
    audit.record(user, Action.SIGN_IN, user)
    staff = client_for(user)
    assert staff.get("/admin/releases/auditevent/").status_code == 403
    assert staff.get("/admin/auditlog/logentry/").status_code == 403


def test_text_in_the_trail_is_escaped(superuser):
    audit.record(None, Action.SIGN_IN_FAILED, None, {"username": "<script>alert(1)</script>"})
    AuditEvent.objects.update(username="<img src=x onerror=alert(1)>")
    response = client_for(superuser).get("/admin/releases/auditevent/")
    assert b"<img src=x" not in response.content
    assert b"<script>alert(1)" not in response.content
