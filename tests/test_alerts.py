"""E-mail alerts: subscribing with double opt-in, delivery by the worker, unsubscribing.

Mail goes through a real SMTP server (aiosmtpd, started by the ``smtp`` fixture on a
free port of 127.0.0.1) with Django's SMTP backend; tasks run in the database backend's
own worker loop (``run_worker``). Nothing of the mail path is mocked.
"""

import email
import logging
import re
import socket
import uuid
from datetime import timedelta
from email import policy
from urllib.parse import urlsplit

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from releases import page_cache
from releases.alerts import delivery
from releases.models import Alert, Delivery, Release, Subscription

from .factories import add_paragraph, add_quote, make_official, make_release, make_tag
from .helpers import assert_accessible, forge_transition, run_worker, settle, soup_of

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://press.example.org"


# The SMTP server -------------------------------------------------------------------------


class Mailbox:
    """An SMTP server's handler: keeps each message it accepts, and turns recipients away
    as told (``refuse[address] = (code, times)``)."""

    def __init__(self):
        self.messages = []
        self.refuse = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code, times = self.refuse.get(address, (None, 0))
        if times:
            self.refuse[address] = (code, times - 1)
            return f"{code} {'4.2.0 Try again later' if code < 500 else '5.1.1 No such user'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        for recipient in envelope.rcpt_tos:
            self.messages.append((recipient, message))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for recipient, message in self.messages if recipient == address]

    def recipients(self):
        return sorted(recipient for recipient, _message in self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, and the site's mail sent to it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "press@example.org"
    settings.SITE_URL = SITE
    yield mailbox
    controller.stop()


# Helpers -------------------------------------------------------------------------------


def subscriber(address, language="uk", *, tags=(), officials=(), confirmed=True):
    subscription = Subscription.objects.create(
        email=address, language=language, confirmed_at=timezone.now() if confirmed else None
    )
    subscription.tags.set(tags)
    subscription.officials.set(officials)
    return subscription


def text_of(message, kind="plain"):
    return message.get_body(preferencelist=(kind,)).get_content()


def link_in(message, path_part):
    """The address in the message's text that contains ``path_part``, as a site path."""
    found = re.search(rf"{re.escape(SITE)}(\S*{path_part}\S*)", text_of(message))
    assert found, text_of(message)
    return found.group(1)


def ready_release(**fields):
    """A release in review, written in both languages, ready for an editor to publish."""
    release = make_release(published=False, status=Release.Status.IN_REVIEW, **fields)
    add_paragraph(release, uk="Перший <b>абзац</b>.", en="First <b>paragraph</b>.")
    return release


def publish(editor, release):
    response = forge_transition(editor, release, "publish")
    assert response.status_code == 302, response.status_code
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED


# Subscribing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "language", "heading"),
    [
        ("/subscribe/", "uk", "Сповіщення електронною поштою"),
        ("/en/subscribe/", "en", "E-mail alerts"),
    ],
)
def test_subscribe_page_offers_the_public_tags_and_officials_in_its_language(
    client, path, language, heading
):
    public_tag, draft_tag = make_tag("Оборона", "Defence"), make_tag("Таємне", "Secret")
    make_release(title_en="Public").tags.add(public_tag)
    make_release(published=False).tags.add(draft_tag)
    response = client.get(path)
    soup = soup_of(response)
    assert soup.html["lang"] == language
    assert soup.h1.get_text(strip=True) == heading
    labels = [label.get_text(strip=True) for label in soup.select(".choices label")]
    assert labels == [str(public_tag.name_uk if language == "uk" else public_tag.name_en)]
    assert "private" in response["Cache-Control"]  # the form holds a CSRF token
    assert "X-Robots-Tag" not in response


def test_subscribe_page_costs_the_same_however_many_tags_are_offered(client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/subscribe/").status_code == 200
        return len(captured)

    make_release().tags.add(make_tag("Тег", "Tag"))
    few = queries()
    for n in range(30):
        make_release().tags.add(make_tag(f"Тег {n}", f"Tag {n}"))
    page_cache.invalidate()  # the options are read afresh
    assert queries() == few


def test_the_footer_and_the_release_list_lead_to_the_subscribe_page(client):
    soup = soup_of(client.get("/en/releases/"))
    assert soup.select_one('.site-footer a[href="/en/subscribe/"]')
    assert soup.select_one('.feed-links a[href="/en/subscribe/"]')


def test_double_opt_in_from_the_form_to_the_received_confirmation(client, smtp):
    tag = make_tag("Оборона", "Defence")
    make_release().tags.add(tag)
    response = client.post("/en/subscribe/", {"email": "Reader@Example.org", "tags": ["defence"]})
    assert response.status_code == 302
    assert response["Location"] == "/en/subscribe/sent/"
    assert smtp.messages == []  # the request only queued the message
    run_worker()
    [message] = smtp.to("reader@example.org")
    assert message["Subject"] == (
        "Confirm your e-mail alerts from Press Service of the Ministry of Defence of Ukraine"
    )
    confirm = link_in(message, "/en/subscribe/confirm/")
    subscription = Subscription.objects.get(email="reader@example.org", language="en")
    # Opening the link (as a mail scanner does) confirms nothing.
    page = client.get(confirm)
    assert page.status_code == 200 and subscription.confirmed_at is None
    assert soup_of(page).find("button").get_text(strip=True) == "Confirm"
    done = client.post(confirm)
    assert done.status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_confirmed
    assert list(subscription.tags.all()) == [tag]


def test_a_confirmation_opened_in_the_other_language_keeps_the_choices(client):
    tag = make_tag("Оборона", "Defence")
    make_release().tags.add(tag)
    subscription = subscriber("reader@example.org", "en", confirmed=False)
    path = urlsplit(subscription.confirm_url(subscription.confirm_token([tag.pk]))).path
    assert path.startswith("/en/")
    assert client.post(path.removeprefix("/en")).status_code == 200  # the Ukrainian page
    assert list(subscription.tags.all()) == [tag]


def test_submitting_says_the_same_whether_or_not_the_address_is_subscribed(client, smtp):
    subscriber("known@example.org")
    known = client.post("/subscribe/", {"email": "known@example.org"})
    new = client.post("/subscribe/", {"email": "new@example.org"})
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    run_worker()
    # The subscriber is told how to confirm a change, and stays subscribed meanwhile.
    [message] = smtp.to("known@example.org")
    assert "/subscribe/confirm/" in text_of(message)
    assert "На цю адресу вже надходять пресрелізи" in text_of(message)  # its language
    assert Subscription.objects.get(email="known@example.org").is_confirmed


def test_a_confirmation_refused_for_now_is_sent_again_later(client, smtp, settings):
    settings.ALERTS_RETRY_SECONDS = 30
    smtp.refuse["slow@example.org"] = (421, 1)
    client.post("/subscribe/", {"email": "slow@example.org"})
    run_worker()
    assert smtp.to("slow@example.org") == []
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        run_worker()
    assert len(smtp.to("slow@example.org")) == 1


@pytest.mark.parametrize(
    ("path", "value", "error"),
    [
        ("/subscribe/", "", "Вкажіть адресу електронної пошти"),
        ("/subscribe/", "not-an-address", "Введіть правильну адресу"),
        ("/en/subscribe/", "not-an-address", "Enter a valid e-mail address"),
        ("/en/subscribe/", "a@example.org\r\nBcc: victim@example.org", "Enter a valid e-mail"),
        ("/en/subscribe/", "x" * 250 + "@example.org", "at most 254 characters"),
        ("/en/subscribe/", "<script>alert(1)</script>@example.org", "Enter a valid e-mail"),
    ],
)
def test_a_wrong_address_is_refused_at_its_field_and_nothing_is_queued(client, path, value, error):
    response = client.post(path, {"email": value})
    assert response.status_code == 200
    soup = soup_of(response)
    assert error in soup.select_one(".field--error .error").get_text()
    assert "<script>alert" not in response.content.decode()
    assert not Subscription.objects.exists() and not DBTaskResult.objects.exists()


def test_an_unknown_or_unpublished_tag_is_refused_at_its_field(client):
    make_release(published=False).tags.add(make_tag("Таємне", "Secret"))
    response = client.post("/en/subscribe/", {"email": "a@example.org", "tags": ["secret"]})
    assert "There is no such option" in soup_of(response).select_one(".choices .error").get_text()
    assert not Subscription.objects.exists()


def test_the_form_needs_its_csrf_token():
    response = Client(enforce_csrf_checks=True).post("/subscribe/", {"email": "a@example.org"})
    assert response.status_code == 403


def test_one_address_cannot_be_flooded_with_confirmations(client, smtp, settings):
    settings.ALERTS_SUBSCRIBE_RATE_PER_ADDRESS = "2/h"
    answers = {
        client.post("/subscribe/", {"email": "victim@example.org"}, REMOTE_ADDR=f"10.0.0.{n}")[
            "Location"
        ]
        for n in range(5)
    }
    assert answers == {"/subscribe/sent/"}  # the same answer every time
    run_worker()
    assert len(smtp.to("victim@example.org")) == 2


def test_one_client_is_stopped_after_its_limit_with_a_translated_message(client, settings):
    settings.ALERTS_SUBSCRIBE_RATE_PER_CLIENT = "3/h"
    for n in range(3):
        assert client.post("/subscribe/", {"email": f"a{n}@example.org"}).status_code == 302
    response = client.post("/en/subscribe/", {"email": "more@example.org"})
    assert response.status_code == 429
    assert "Too many requests" in soup_of(response).select_one("[role=alert]").get_text()
    assert Subscription.objects.count() == 3


@pytest.mark.parametrize(
    "path", ["/subscribe/confirm/nonsense/", "/en/subscribe/unsubscribe/forged:token/"]
)
def test_a_forged_link_finds_nothing(client, path):
    subscriber("someone@example.org")
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert Subscription.objects.count() == 1


def test_a_confirmation_link_expires(client, smtp, settings):
    client.post("/subscribe/", {"email": "late@example.org"})
    run_worker()
    confirm = link_in(smtp.to("late@example.org")[0], "/subscribe/confirm/")
    later = timezone.now() + timedelta(days=settings.ALERTS_CONFIRM_DAYS, minutes=1)
    with time_machine.travel(later):
        assert client.post(confirm).status_code == 404
    assert not Subscription.objects.get().is_confirmed


# Delivery --------------------------------------------------------------------------------


def test_a_published_release_reaches_the_matching_subscribers_in_each_language(
    editor, smtp, settings
):
    defence, health = make_tag("Оборона", "Defence"), make_tag("Здоров'я", "Health")
    minister, deputy = make_official("Міністр", "Minister"), make_official("Заступник", "Deputy")
    subscriber("all-uk@example.org", "uk")
    subscriber("all-en@example.org", "en")
    subscriber("defence-uk@example.org", "uk", tags=[defence])
    subscriber("health-uk@example.org", "uk", tags=[health])
    subscriber("minister-en@example.org", "en", officials=[minister])
    subscriber("deputy-en@example.org", "en", officials=[deputy])
    subscriber("waiting@example.org", "uk", confirmed=False)
    release = ready_release(title_uk="Назва <релізу> & ще", title_en="Title <of> the release")
    release.tags.add(defence)
    add_paragraph(release, uk='Див. <a href="/tags/">теги</a>.', en='See <a href="/en/">home</a>.')
    add_quote(release, minister, uk="Ми готові.", en="We are ready.")

    publish(editor, release)
    assert smtp.messages == []  # the editor's request sent nothing
    run_worker()

    assert smtp.recipients() == [
        "all-en@example.org",
        "all-uk@example.org",
        "defence-uk@example.org",
        "minister-en@example.org",
    ]
    [uk] = smtp.to("all-uk@example.org")
    [en] = smtp.to("minister-en@example.org")
    assert uk["Subject"] == "Назва <релізу> & ще"
    assert en["Subject"] == "Title <of> the release"
    assert uk["From"] == "press@example.org"
    unsubscribe = Subscription.objects.get(email="all-uk@example.org").unsubscribe_url()
    assert uk["List-Unsubscribe"].strip() == f"<{unsubscribe}>"  # maybe folded: long
    assert unsubscribe.startswith(f"{SITE}/subscribe/unsubscribe/")
    assert uk["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert en["List-Unsubscribe"].strip().startswith(f"<{SITE}/en/subscribe/unsubscribe/")
    # Plain text and HTML, each in the subscriber's language, the title escaped in HTML.
    plain, html = text_of(en), text_of(en, "html")
    assert "First paragraph." in plain and "“We are ready.” — Minister" in plain
    assert f"{SITE}/en/releases/" in plain
    assert "Title &lt;of&gt; the release" in html and "<of>" not in html
    assert "First <strong>paragraph</strong>." in html and '<html lang="en">' in html
    assert f'<a href="{SITE}/en/" rel="noopener noreferrer">home</a>' in html
    assert "Перший абзац." in text_of(uk) and "Назва &lt;релізу&gt; &amp; ще" in text_of(
        uk, "html"
    )
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 4
    assert set(Alert.objects.values_list("language", flat=True)) == {"uk", "en"}
    assert not Alert.objects.filter(finished_at__isnull=True).exists()


def test_a_release_public_in_one_language_is_sent_in_that_one_only(editor, smtp):
    subscriber("uk@example.org", "uk")
    subscriber("en@example.org", "en")
    release = make_release(languages=("uk",), published=False, status=Release.Status.IN_REVIEW)
    add_paragraph(release, en="")
    publish(editor, release)
    run_worker()
    assert smtp.recipients() == ["uk@example.org"]


def test_publishing_again_or_correcting_sends_nothing_more(editor, smtp):
    subscriber("reader@example.org")
    release = ready_release()
    publish(editor, release)
    run_worker()
    forge_transition(
        editor, release, "archive", archive_mode="notice",
        archive_reason_uk="Застаріло.", archive_reason_en="Out of date.",
    )  # fmt: skip
    forge_transition(editor, release, "unarchive")
    delivery.announce(release)
    run_worker()
    assert len(smtp.to("reader@example.org")) == 1


def test_a_release_withdrawn_before_the_worker_sends_it_is_not_sent(editor, smtp):
    subscriber("reader@example.org")
    release = ready_release()
    publish(editor, release)
    Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
    run_worker()
    assert smtp.messages == []


def test_a_scheduled_release_is_sent_once_the_scheduler_records_it(smtp):
    subscriber("reader@example.org")
    release = make_release(
        status=Release.Status.SCHEDULED, published_at=timezone.now() - timedelta(minutes=1)
    )
    add_paragraph(release)
    call_command("publish_scheduled", verbosity=0)
    call_command("publish_scheduled", verbosity=0)
    run_worker()
    [message] = smtp.to("reader@example.org")
    assert message["Subject"] == release.title_uk


def test_a_large_list_is_sent_in_batches_each_recipient_once(editor, smtp, settings):
    settings.ALERTS_BATCH_SIZE = 2
    addresses = [f"reader{n}@example.org" for n in range(5)]
    for address in addresses:
        subscriber(address)
    publish(editor, ready_release())
    run_worker()
    assert smtp.recipients() == addresses
    alert = Alert.objects.get(language="uk")
    batches = DBTaskResult.objects.filter(
        task_path__endswith="send_alert", args_kwargs__args=[alert.pk]
    )
    assert batches.count() == 3  # 2 + 2 + 1, one SMTP connection each


def test_a_recipient_refused_for_now_is_retried_later_and_receives_it_once(editor, smtp, settings):
    settings.ALERTS_RETRY_SECONDS = 60
    subscriber("steady@example.org")
    subscriber("busy@example.org")
    smtp.refuse["busy@example.org"] = (451, 2)
    publish(editor, ready_release())
    run_worker()
    assert smtp.recipients() == ["steady@example.org"]
    busy = Delivery.objects.get(subscription__email="busy@example.org")
    assert (busy.state, busy.attempts) == (Delivery.State.PENDING, 1)
    assert "451" in busy.last_error
    # Not before its time: the retry waits ALERTS_RETRY_SECONDS, then twice as long.
    run_worker()
    assert smtp.recipients() == ["steady@example.org"]
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        run_worker()
        assert smtp.to("busy@example.org") == []
        busy.refresh_from_db()
        assert busy.attempts == 2
    with time_machine.travel(timezone.now() + timedelta(seconds=61 + 121)):
        run_worker()
        run_worker()
    assert smtp.recipients() == ["busy@example.org", "steady@example.org"]
    busy.refresh_from_db()
    assert (busy.state, busy.attempts) == (Delivery.State.SENT, 3)
    assert Alert.objects.get(language="uk").finished_at is not None


def test_a_permanent_refusal_is_logged_and_not_retried(editor, smtp, settings, caplog):
    settings.ALERTS_RETRY_SECONDS = 0
    subscriber("gone@example.org")
    smtp.refuse["gone@example.org"] = (550, 99)
    with caplog.at_level(logging.ERROR, logger="releases.alerts.delivery"):
        publish(editor, ready_release())
        run_worker()
    failed = Delivery.objects.get()
    assert (failed.state, failed.attempts) == (Delivery.State.FAILED, 1)
    assert "failed after 1 attempt" in caplog.text


def test_a_recipient_refused_every_time_gives_up_after_the_last_attempt(editor, smtp, settings):
    settings.ALERTS_RETRY_SECONDS = 0
    settings.ALERTS_MAX_ATTEMPTS = 3
    subscriber("full@example.org")
    smtp.refuse["full@example.org"] = (452, 99)
    publish(editor, ready_release())
    run_worker()
    failed = Delivery.objects.get()
    assert (failed.state, failed.attempts) == (Delivery.State.FAILED, 3)
    assert smtp.messages == []


def test_a_batch_whose_worker_died_is_sent_by_another_once_its_lease_ran_out(smtp, settings):
    release = make_release()
    add_paragraph(release)
    held, waiting = subscriber("held@example.org"), subscriber("waiting@example.org")
    alert = Alert.objects.create(release=release, language="uk", listed_at=timezone.now())
    lease_end = timezone.now() + timedelta(seconds=settings.ALERTS_SENDING_LEASE)
    # A batch took "held" and died with its task; "waiting" was never reached.
    Delivery.objects.create(
        alert=alert,
        subscription=held,
        state=Delivery.State.SENDING,
        claim=uuid.uuid4(),
        next_attempt_at=lease_end,
    )
    Delivery.objects.create(alert=alert, subscription=waiting)
    call_command("resume_alerts", verbosity=0)
    assert not DBTaskResult.objects.exists()  # not late yet: a task may be on its way
    later = timezone.now() + timedelta(seconds=settings.ALERTS_RESUME_AFTER + 1)
    with time_machine.travel(later):
        call_command("resume_alerts", dry_run=True, verbosity=0)
        assert not DBTaskResult.objects.exists()
        call_command("resume_alerts", verbosity=0)
        run_worker()
    assert smtp.recipients() == ["waiting@example.org"]  # "held" is still leased
    with time_machine.travel(lease_end + timedelta(seconds=1)):
        run_worker()
        call_command("resume_alerts", verbosity=0)
        run_worker()
    assert smtp.recipients() == ["held@example.org", "waiting@example.org"]
    alert.refresh_from_db()
    assert alert.finished_at is not None


def test_an_alert_whose_first_task_was_lost_is_sent_by_the_scheduler(smtp, settings):
    release = make_release()
    add_paragraph(release)
    subscriber("reader@example.org")
    Alert.objects.create(release=release, language="uk")
    later = timezone.now() + timedelta(seconds=settings.ALERTS_RESUME_AFTER + 1)
    with time_machine.travel(later):
        call_command("resume_alerts", verbosity=0)
        run_worker()
        call_command("resume_alerts", verbosity=0)
        run_worker()
    assert smtp.recipients() == ["reader@example.org"]


# Unsubscribing -----------------------------------------------------------------------------


def test_the_unsubscribe_link_of_a_received_alert_stops_further_alerts(client, editor, smtp):
    subscriber("reader@example.org", "en")
    publish(editor, ready_release())
    run_worker()
    [message] = smtp.to("reader@example.org")
    link = link_in(message, "/subscribe/unsubscribe/")
    assert f"<{SITE}{link}>" == message["List-Unsubscribe"].strip()
    page = client.get(link)
    assert page.status_code == 200 and Subscription.objects.exists()  # opening is not enough
    assert "private" in page["Cache-Control"]
    done = client.post(link)
    assert "You are unsubscribed" in soup_of(done).h1.get_text()
    assert not Subscription.objects.exists()
    assert client.post(link).status_code == 200  # twice is harmless
    publish(editor, ready_release())
    run_worker()
    assert len(smtp.to("reader@example.org")) == 1


def test_the_one_click_unsubscribe_of_mail_programs_needs_no_csrf_token(editor, smtp):
    subscriber("reader@example.org")
    publish(editor, ready_release())
    run_worker()
    [message] = smtp.to("reader@example.org")
    address = message["List-Unsubscribe"].strip().strip("<>").removeprefix(SITE)
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        address,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    publish(editor, ready_release())
    run_worker()
    assert len(smtp.to("reader@example.org")) == 1


# Keeping little, and showing less ----------------------------------------------------------


def test_unconfirmed_subscriptions_are_deleted_once_their_link_expired(settings):
    old = timezone.now() - timedelta(days=settings.ALERTS_CONFIRM_DAYS, hours=1)
    Subscription.objects.create(email="old@example.org", language="uk", created_at=old)
    subscriber("kept@example.org").__class__.objects.filter(email="kept@example.org").update(
        created_at=old
    )
    Subscription.objects.create(email="new@example.org", language="uk")
    call_command("purge_subscriptions", dry_run=True, verbosity=0)
    assert Subscription.objects.count() == 3
    call_command("purge_subscriptions", verbosity=0)
    assert sorted(Subscription.objects.values_list("email", flat=True)) == [
        "kept@example.org",
        "new@example.org",
    ]


def test_editors_count_subscribers_without_reading_their_addresses(editor, staff):
    subscriber("journalist@example.org", "en")
    subscriber("reader@example.org", "uk", confirmed=False)
    page = editor.get("/en/admin/releases/subscription/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Confirmed in English: 1." in text and "Confirmed in Ukrainian: 0." in text
    assert "journalist@example.org" not in text and "j•••@example.org" in text
    assert editor.get("/en/admin/releases/subscription/?q=journalist").status_code in (200, 302)
    pk = Subscription.objects.get(language="en").pk
    detail = editor.get(f"/en/admin/releases/subscription/{pk}/change/")
    assert detail.status_code == 200 and "journalist@example.org" not in detail.content.decode()
    assert (
        "journalist@example.org" in staff.get("/en/admin/releases/subscription/").content.decode()
    )


@pytest.mark.parametrize(
    "query", ["email=journalist%40example.org", "email__startswith=j", "email__regex=%5Ej"]
)
def test_editors_cannot_filter_by_address_to_learn_who_subscribed(editor, staff, query):
    subscriber("journalist@example.org", "en")
    subscriber("reader@example.org", "en")
    page = editor.get(f"/en/admin/releases/subscription/?{query}")
    # A filter the admin does not allow is a bad request: no list, no count.
    assert page.status_code == 400
    assert "1 e-mail subscription" not in page.content.decode()
    assert staff.get(f"/en/admin/releases/subscription/?{query}").status_code == 200


def test_editors_follow_each_alert_with_its_counts(editor, smtp, settings):
    settings.ALERTS_RETRY_SECONDS = 60
    subscriber("one@example.org")
    subscriber("two@example.org")
    smtp.refuse["two@example.org"] = (451, 1)
    publish(editor, ready_release())
    run_worker()
    alert = Alert.objects.get(language="uk")
    soup = soup_of(editor.get("/en/admin/releases/alert/"))
    row = soup.find("a", href=f"/en/admin/releases/alert/{alert.pk}/change/").find_parent("tr")
    counts = [
        row.select_one(f".field-{name}").get_text() for name in ("sent", "waiting", "failed")
    ]
    assert counts == ["1", "1", "0"]
    assert editor.get(f"/en/admin/releases/alert/{alert.pk}/change/").status_code == 200


def test_press_officers_see_no_subscriptions(press_officer):
    subscriber("journalist@example.org")
    assert press_officer.get("/admin/releases/subscription/").status_code == 403


# In the browser ------------------------------------------------------------------------------


@pytest.mark.browser
def test_the_alert_pages_pass_axe_and_the_nu_html_checker(browser, live_server, tmp_path):
    import urllib.request

    from .test_accessibility import nu_errors

    make_release().tags.add(make_tag("Оборона", "Defence"))
    subscription = subscriber("reader@example.org", "en", confirmed=False)
    confirm = subscription.confirm_url(subscription.confirm_token())
    unsubscribe = subscription.unsubscribe_url()
    base = live_server.url
    # The token pages in both languages: the link's address after /subscribe/.
    tokens = [url.split("/subscribe/", 1)[1] for url in (confirm, unsubscribe)]
    paths = [
        f"{prefix}/subscribe/{rest}"
        for prefix in ("", "/en")
        for rest in ["", "sent/", *tokens, "confirm/broken/"]
    ]
    context = browser.new_context()
    page = context.new_page()
    for n, path in enumerate(paths):
        page.goto(base + path)
        assert_accessible(page)
        try:
            html = urllib.request.urlopen(base + path).read()
        except urllib.error.HTTPError as error:
            html = error.read()
        (tmp_path / f"page-{n:02d}.html").write_bytes(html)
    # The form with its errors, as a reader sees it after a wrong address.
    page.goto(base + "/en/subscribe/")
    page.get_by_label("Your e-mail address").fill("not an address")
    page.get_by_role("button", name="Subscribe").click()
    assert "Enter a valid e-mail address" in page.locator(".error").inner_text()
    assert_accessible(page)
    (tmp_path / "page-errors.html").write_text(page.content())
    # The pages after each button: confirmed (Ukrainian), unsubscribed (English).
    page.goto(f"{base}/subscribe/{tokens[0]}")
    page.get_by_role("button", name="Підтвердити").click()
    assert page.locator("h1").inner_text() == "Підписку на сповіщення ввімкнено"
    assert_accessible(page)
    (tmp_path / "page-confirmed.html").write_text(page.content())
    page.goto(f"{base}/en/subscribe/{tokens[1]}")
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("h1").inner_text() == "You are unsubscribed"
    assert_accessible(page)
    (tmp_path / "page-unsubscribed.html").write_text(page.content())
    settle(page)
    context.close()
    assert nu_errors(tmp_path) == []
