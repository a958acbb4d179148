"""Staff accounts under attack: sign-in limits, two-step sign-in and sessions that end.

Everything goes through the real login form over HTTP, as a browser or a script would.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from releases.roles import EDITOR, PRESS_OFFICER, TRANSLATOR

from .factories import make_user
from .helpers import code_for, run_python, sign_in, soup_of

pytestmark = pytest.mark.django_db


def signed_in(client):
    return client.get("/admin/").status_code == 200


def errors(response):
    """Every error the page shows, at a field or above the form."""
    soup = soup_of(response)
    return " ".join(e.get_text(" ", strip=True) for e in soup.select(".errorlist, .errornote"))


# Item 7: a limit on sign-in attempts ---------------------------------------------------------


def test_wrong_passwords_lock_the_account_before_the_right_one_gets_in(client):
    make_user("editor", EDITOR)
    for _attempt in range(51):
        sign_in(client, "editor", "wrong")
    response = sign_in(client, "editor", "pw")
    assert response.status_code == 429
    assert not signed_in(client)


def test_the_fifth_wrong_password_locks_and_the_page_says_so_in_ukrainian(client, settings):
    make_user("editor", EDITOR)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "editor", "wrong").status_code == 200
    response = sign_in(client, "editor", "wrong")
    assert response.status_code == 429
    soup = soup_of(response)
    assert soup.html["lang"] == "uk"
    assert "Забагато невдалих спроб входу" in soup.get_text()
    assert "15 хвилин" in soup.get_text()
    # The site's own admin design, with its stylesheet, under the strict policy.
    assert soup.find("link", href=lambda h: h and "admin.css" in h)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_locked_out_page_speaks_english_under_en(client, settings):
    make_user("editor", EDITOR)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "editor", "wrong", language="/en")
    assert response.status_code == 429
    soup = soup_of(response)
    assert soup.html["lang"] == "en"
    assert "Too many failed sign-in attempts" in soup.get_text()


def test_a_lockout_ends_by_itself_after_the_cool_off(client, settings):
    make_user("editor", EDITOR)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", "pw").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, "editor", "pw").status_code == 302
        assert signed_in(client)


def test_an_attacker_cannot_lock_the_editor_out_from_another_address(settings):
    make_user("editor", EDITOR)
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for _attempt in range(settings.AXES_FAILURE_LIMIT * 3):
        sign_in(attacker, "editor", "wrong")
    assert sign_in(attacker, "editor", "pw").status_code == 429
    editor = Client(REMOTE_ADDR="203.0.113.10")
    assert sign_in(editor, "editor", "pw").status_code == 302
    assert signed_in(editor)


def test_a_forged_forwarded_for_header_does_not_buy_more_attempts(settings):
    """nginx appends the address it saw to X-Forwarded-For; what the client sent is ignored."""
    settings.PROXY_HOPS = 1
    make_user("editor", EDITOR)
    attacker = Client(REMOTE_ADDR="172.18.0.5")  # nginx, as the app sees it
    for attempt in range(settings.AXES_FAILURE_LIMIT + 5):
        sign_in(
            attacker,
            "editor",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"10.0.{attempt}.1, 198.51.100.66",
        )
    response = sign_in(attacker, "editor", "pw", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.66")
    assert response.status_code == 429
    # Another reader behind the same nginx is a different address.
    editor = Client(REMOTE_ADDR="172.18.0.5")
    response = sign_in(editor, "editor", "pw", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert response.status_code == 302


def test_a_new_browser_name_on_each_try_does_not_buy_more_attempts(client, settings):
    make_user("editor", EDITOR)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong", HTTP_USER_AGENT=f"Bot/{attempt}")
    assert sign_in(client, "editor", "pw", HTTP_USER_AGENT="Firefox/140").status_code == 429


def test_forwarded_for_is_ignored_when_no_proxy_is_trusted(settings):
    settings.PROXY_HOPS = 0
    make_user("editor", EDITOR)
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for attempt in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in(attacker, "editor", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.{attempt}.1")
    assert sign_in(attacker, "editor", "pw", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_axes_reset_username_unlocks_the_account(client, settings):
    make_user("editor", EDITOR)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", "pw").status_code == 429
    call_command("axes_reset_username", "editor", verbosity=0)
    assert sign_in(client, "editor", "pw").status_code == 302


def test_an_overlong_username_is_refused_at_the_field_not_with_an_error_page(client):
    response = sign_in(client, "x" * 5000, "wrong")
    assert response.status_code == 200
    assert "150" in errors(response)


# Item 8: two-step sign-in --------------------------------------------------------------------


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED = True
    settings.OTP_REQUIRED_GROUPS = [EDITOR]


def totp_device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_an_editor_without_a_device_is_sent_to_enrolment_not_the_admin(client, otp_required):
    make_user("editor", EDITOR)
    assert sign_in(client, "editor").status_code == 302
    for url in ("/admin/", "/admin/releases/release/", "/translations/files/project/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/two-step/"), url


def test_a_superuser_without_a_device_is_sent_to_enrolment(client, otp_required, superuser):
    sign_in(client, "chief")
    assert client.get("/admin/")["Location"].startswith("/admin/two-step/")


def test_officers_and_translators_may_go_without_unless_the_setting_says(client, otp_required):
    make_user("officer", PRESS_OFFICER)
    make_user("translator", TRANSLATOR)
    sign_in(client, "officer")
    assert signed_in(client)
    other = Client()
    sign_in(other, "translator")
    assert signed_in(other)


def test_officers_need_a_device_when_their_group_is_listed(client, settings):
    settings.OTP_REQUIRED = True
    settings.OTP_REQUIRED_GROUPS = [EDITOR, PRESS_OFFICER]
    make_user("officer", PRESS_OFFICER)
    sign_in(client, "officer")
    assert client.get("/admin/")["Location"].startswith("/admin/two-step/")


def test_enrolment_shows_a_qr_code_drawn_here_and_no_inline_code(client, otp_required):
    make_user("editor", EDITOR)
    sign_in(client, "editor")
    response = client.get("/admin/two-step/")
    assert response.status_code == 200
    soup = soup_of(response)
    qr = soup.find("img", class_="qr-code")
    assert qr["src"].startswith("data:image/svg+xml")
    assert qr["alt"]
    # The secret is also written out, for typing into the app by hand.
    device = TOTPDevice.objects.get(user__username="editor", confirmed=False)
    assert (
        soup.find(class_="otp-secret").get_text(strip=True).replace(" ", "")
        == (device.config_url.split("secret=")[1].split("&")[0])
    )
    assert not soup.find("script", src=False)
    assert not soup.find("style")
    assert not soup.find(attrs={"style": True})
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_enrolment_with_the_right_code_opens_the_admin_and_shows_recovery_codes(
    client, otp_required
):
    user = make_user("editor", EDITOR)
    sign_in(client, "editor")
    client.get("/admin/two-step/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/admin/two-step/", {"otp_token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-step/recovery-codes/"
    device.refresh_from_db()
    assert device.confirmed
    page = soup_of(client.get(response["Location"]))
    codes = [li.get_text(strip=True) for li in page.select(".recovery-codes li")]
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    # Shown once: a second look shows none.
    again = soup_of(client.get(response["Location"]))
    assert again.select(".recovery-codes li") == []
    assert signed_in(client)


def test_enrolment_with_a_wrong_code_is_refused_at_the_field(client, otp_required):
    user = make_user("editor", EDITOR)
    sign_in(client, "editor")
    client.get("/admin/two-step/")
    response = client.post("/admin/two-step/", {"otp_token": "000000"})
    assert response.status_code == 200
    assert "Код не підходить" in errors(response)
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_an_editor_with_a_valid_code_reaches_the_admin(client, otp_required):
    user = make_user("editor", EDITOR)
    device = totp_device(user)
    response = sign_in(client, "editor", code=code_for(device))
    assert response.status_code == 302
    assert signed_in(client)


def test_a_wrong_code_is_refused_at_its_field_and_signs_nobody_in(client, otp_required):
    user = make_user("editor", EDITOR)
    device = totp_device(user)
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    response = sign_in(client, "editor", code=wrong)
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.select_one("#id_otp_token").find_previous(class_="errorlist")
    assert "Код не підходить" in errors(response)
    assert not signed_in(client)


def test_a_missing_code_is_asked_for_when_the_account_has_a_device(client, otp_required):
    user = make_user("editor", EDITOR)
    totp_device(user)
    response = sign_in(client, "editor")
    assert response.status_code == 200
    assert "Введіть код" in errors(response)
    assert not signed_in(client)


def test_wrong_codes_count_towards_the_lockout(client, otp_required, settings):
    """With a stolen password, guessing codes is as limited as guessing passwords."""
    user = make_user("editor", EDITOR)
    device = totp_device(user)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", code="123456")
    assert sign_in(client, "editor", code=code_for(device)).status_code == 429


def test_a_recovery_code_works_once(client, otp_required):
    user = make_user("editor", EDITOR)
    totp_device(user)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    static.token_set.create(token="abcd2345")
    assert sign_in(client, "editor", code="abcd2345").status_code == 302
    assert signed_in(client)
    other = Client()
    response = sign_in(other, "editor", code="abcd2345")
    assert response.status_code == 200
    assert not signed_in(other)


def test_a_session_without_the_second_step_is_ended_once_a_device_exists(client, otp_required):
    """A browser signed in before enrolment (or with a stolen password) must sign in again."""
    user = make_user("editor", EDITOR)
    client.force_login(user)
    totp_device(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not signed_in(client)


def test_turning_two_step_off_needs_a_current_code(client, otp_required):
    user = make_user("officer", PRESS_OFFICER)
    device = totp_device(user)
    sign_in(client, "officer", code=code_for(device))
    response = client.post("/admin/two-step/remove/", {"otp_token": "000000"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=user).exists()
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        response = client.post("/admin/two-step/remove/", {"otp_token": code_for(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_required_user_cannot_turn_two_step_off(client, otp_required):
    user = make_user("editor", EDITOR)
    device = totp_device(user)
    sign_in(client, "editor", code=code_for(device))
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        response = client.post("/admin/two-step/remove/", {"otp_token": code_for(device)})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=user).exists()


def test_the_demo_accounts_sign_in_without_a_code_with_make_runs_settings(client, settings):
    result = run_python(
        "-c",
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.OTP_REQUIRED)",
        settings="dev",
    )
    assert result.stdout.strip() == "False", result.stderr
    settings.OTP_REQUIRED = False
    call_command("load_demo", verbosity=0)
    for username in ("admin", "officer", "editor", "translator"):
        browser = Client()
        assert sign_in(browser, username, username).status_code == 302, username
        assert signed_in(browser), username


def test_production_requires_two_step_sign_in_by_default():
    result = run_python(
        "-c",
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.OTP_REQUIRED, settings.OTP_REQUIRED_GROUPS, settings.PROXY_HOPS)",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://u@db/press",
    )
    assert result.stdout.strip() == "True ['Editor'] 1", result.stderr


# Item 16: sessions that end --------------------------------------------------------------------


def test_a_staff_session_ends_after_the_idle_time(client, settings):
    make_user("editor", EDITOR)
    sign_in(client, "editor")
    assert signed_in(client)
    later = timezone.now() + timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60)
    with time_machine.travel(later):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        assert not signed_in(client)


def test_activity_keeps_a_session_alive_past_the_idle_time(client, settings):
    make_user("editor", EDITOR)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, "editor")
    step = timedelta(seconds=settings.SESSION_IDLE_SECONDS * 2 // 3)
    for n in range(1, 6):
        with time_machine.travel(start + n * step, tick=False):
            assert signed_in(client), n


def test_a_session_ends_after_its_maximum_age_however_busy(client, settings):
    make_user("editor", EDITOR)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, "editor")
    step = timedelta(seconds=settings.SESSION_IDLE_SECONDS // 2)
    moment = start
    while moment < start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60):
        moment += step
        with time_machine.travel(moment, tick=False):
            client.get("/admin/")
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)):
        assert not signed_in(client)


def test_the_session_settings_are_short(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_IDLE_SECONDS <= 30 * 60
    assert settings.SESSION_COOKIE_HTTPONLY
