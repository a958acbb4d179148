"""Sending alerts in the background: announced when published, sent in batches, retried.

Publishing (``workflow.Publish`` and ``publish_scheduled``) queues ``announce_release`` in
the transaction that publishes, so the worker (``manage.py db_worker``) sees the release
as committed. It makes one ``Alert`` per language the release is public in (once: a
release published again sends nothing) and queues ``send_alert``, which lists the
matching subscribers as deliveries and sends ``ALERTS_BATCH_SIZE`` of them over one SMTP
connection per task. Each recipient's delivery is recorded as it is sent, so a retry or a
second run never sends twice. A temporary refusal (4xx, a dropped connection) is tried
again after a growing delay, up to ``ALERTS_MAX_ATTEMPTS``; django-tasks' database
backend has no retries of its own, so the task queues itself again with ``run_after``.
A permanent failure is logged and kept on the delivery.
"""

import html
import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django_tasks import task

from releases.languages import LANGUAGES, localized
from releases.models import Block, Release, TaggedRelease

from .models import Alert, Delivery, Subscription

logger = logging.getLogger(__name__)

UNSENT = (Delivery.State.PENDING, Delivery.State.SENDING)

# Publishing ----------------------------------------------------------------------------


def announce_when_saved(release):
    """Announce ``release`` once it is saved, in the transaction that saves it (a form
    whose save never comes announces nothing)."""
    release.__dict__["_announce_when_saved"] = True


@receiver(post_save, sender=Release)
def _announce_pending(sender, instance, **kwargs):
    if instance.__dict__.pop("_announce_when_saved", False):
        announce(instance)


def announce(release):
    """Queue the announcement of ``release``: in the caller's transaction, so a
    publication that is rolled back announces nothing."""
    announce_release.enqueue(release.pk)


@task()
def announce_release(release_id: int) -> list[str]:
    """One alert per language ``release_id`` is public in, made once; returns those made."""
    made = []
    for language in LANGUAGES:
        if not Release.objects.public(language).filter(pk=release_id).exists():
            continue
        alert, created = Alert.objects.get_or_create(release_id=release_id, language=language)
        if created:
            send_alert.enqueue(alert.pk)
            made.append(language)
    return made


# Recipients ----------------------------------------------------------------------------


def recipients(release, language):
    """Confirmed subscribers of ``language`` who want ``release``: those who chose no tag
    and no official, and those who chose one it carries, lists or quotes."""
    chosen_tags = Subscription.tags.through.objects.filter(subscription=OuterRef("pk"))
    chosen_officials = Subscription.officials.through.objects.filter(subscription=OuterRef("pk"))
    tags = TaggedRelease.objects.filter(content_object_id=release.pk).values("tag_id")
    listed = Release.officials.through.objects.filter(release_id=release.pk)
    quoted = Block.objects.filter(release_id=release.pk, official__isnull=False)
    wants_all = ~Exists(chosen_tags) & ~Exists(chosen_officials)
    matches = (
        Exists(chosen_tags.filter(tag_id__in=tags))
        | Exists(chosen_officials.filter(official_id__in=listed.values("official_id")))
        | Exists(chosen_officials.filter(official_id__in=quoted.values("official_id")))
    )
    return Subscription.objects.confirmed().filter(language=language).filter(wants_all | matches)


def list_recipients(alert):
    """Record a delivery for each recipient of ``alert``, once, by the first batch."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("release").get(pk=alert.pk)
        if alert.listed_at is not None:
            return
        ids = recipients(alert.release, alert.language).values_list("pk", flat=True)
        Delivery.objects.bulk_create(
            [Delivery(alert=alert, subscription_id=pk) for pk in ids.iterator()],
            batch_size=500,
            ignore_conflicts=True,
        )
        Alert.objects.filter(pk=alert.pk).update(listed_at=timezone.now())


# Sending -------------------------------------------------------------------------------


@task()
def send_alert(alert_id: int) -> dict:
    """Send the next batch of ``alert_id``, then queue what remains (now or later)."""
    alert = Alert.objects.select_related("release").filter(pk=alert_id).first()
    if alert is None:
        return {}
    if not Release.objects.public(alert.language).filter(pk=alert.release_id).exists():
        # Withdrawn meanwhile (published by mistake, archived): the rest is not sent.
        Alert.objects.filter(pk=alert.pk).update(finished_at=timezone.now())
        return {"withdrawn": True}
    if alert.listed_at is None:
        list_recipients(alert)
    counts = send_batch(alert)
    follow_up(alert)
    return counts


def claim_batch(alert) -> tuple[uuid.UUID, list]:
    """Take up to ``ALERTS_BATCH_SIZE`` due deliveries for this task alone.

    Due: waiting and past their time, or held by a batch whose lease ran out (its worker
    died). The lease, ``ALERTS_SENDING_LEASE`` seconds, is kept in ``next_attempt_at``.
    """
    claim, now = uuid.uuid4(), timezone.now()
    due = Delivery.objects.filter(
        alert=alert, state__in=UNSENT, next_attempt_at__lte=now
    ).order_by("pk")
    ids = list(due.values_list("pk", flat=True)[: settings.ALERTS_BATCH_SIZE])
    # Only rows still due are taken: another task that got some first keeps them.
    Delivery.objects.filter(pk__in=ids, state__in=UNSENT, next_attempt_at__lte=now).update(
        state=Delivery.State.SENDING,
        claim=claim,
        next_attempt_at=now + timedelta(seconds=settings.ALERTS_SENDING_LEASE),
    )
    batch = Delivery.objects.filter(claim=claim, state=Delivery.State.SENDING)
    return claim, list(batch.select_related("subscription").order_by("pk"))


def send_batch(alert) -> dict:
    claim, batch = claim_batch(alert)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not batch:
        return counts
    content = release_content(alert.release, alert.language)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except OSError as error:  # smtplib's errors included
        for delivery in batch:
            counts[record_failure(delivery, claim, error, temporary=True)] += 1
        return counts
    try:
        for delivery in batch:
            try:
                release_message(content, delivery.subscription, connection).send()
            except OSError as error:  # smtplib's errors included
                temporary = is_temporary(error, delivery.subscription.email)
                counts[record_failure(delivery, claim, error, temporary=temporary)] += 1
            except Exception as error:
                # A fault of ours, not the server's: trying again would fail the same way.
                logger.exception("E-mail alert %s could not be written", alert.pk)
                counts[record_failure(delivery, claim, error, temporary=False)] += 1
            else:
                Delivery.objects.filter(pk=delivery.pk, claim=claim).update(
                    state=Delivery.State.SENT,
                    sent_at=timezone.now(),
                    attempts=F("attempts") + 1,
                    claim=None,
                    last_error="",
                )
                counts["sent"] += 1
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("Could not close the SMTP connection cleanly", exc_info=True)
    return counts


def is_temporary(error, address) -> bool:
    """Whether the server may take the message later: a 4xx reply, or no reply at all."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = error.recipients.get(address, (550, b""))[0]
        return 400 <= code < 500
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return True  # a dropped connection, a timeout: no answer yet


def retry_delay(attempts: int) -> timedelta:
    """``ALERTS_RETRY_SECONDS`` after the first failure, doubled after each next one."""
    return timedelta(seconds=settings.ALERTS_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def record_failure(delivery, claim, error, *, temporary: bool) -> str:
    attempts = delivery.attempts + 1
    description = f"{type(error).__name__}: {error}"[:500]
    if temporary and attempts < settings.ALERTS_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk, claim=claim).update(
            state=Delivery.State.PENDING,
            attempts=attempts,
            next_attempt_at=timezone.now() + retry_delay(attempts),
            claim=None,
            last_error=description,
        )
        return "retry"
    Delivery.objects.filter(pk=delivery.pk, claim=claim).update(
        state=Delivery.State.FAILED, attempts=attempts, claim=None, last_error=description
    )
    logger.error(
        "E-mail alert %s to subscription %s failed after %s attempt(s): %s",
        delivery.alert_id,
        delivery.subscription_id,
        attempts,
        description,
    )
    return "failed"


def follow_up(alert):
    """Queue the next batch now if deliveries are due, or when the next one will be."""
    unsent = Delivery.objects.filter(alert=alert, state__in=UNSENT)
    now = timezone.now()
    if unsent.filter(next_attempt_at__lte=now).exists():
        send_alert.enqueue(alert.pk)
        return
    next_attempt = unsent.aggregate(at=Min("next_attempt_at"))["at"]
    if next_attempt is not None:
        enqueue_later(send_alert, next_attempt, alert.pk)
    else:
        Alert.objects.filter(pk=alert.pk, finished_at__isnull=True).update(finished_at=now)


def overdue_alerts(now=None):
    """Alerts whose work is ``ALERTS_RESUME_AFTER`` seconds late: their task was lost.

    A live alert has its next task queued for the moment its next delivery is due, so
    work that late (a batch whose lease ran out, an alert whose first task never ran)
    has none.
    """
    overdue = (now or timezone.now()) - timedelta(seconds=settings.ALERTS_RESUME_AFTER)
    late = Delivery.objects.filter(
        alert=OuterRef("pk"), state__in=UNSENT, next_attempt_at__lte=overdue
    )
    return Alert.objects.filter(finished_at__isnull=True).filter(
        Exists(late) | Q(listed_at__isnull=True, created_at__lte=overdue)
    )


def resume(now=None) -> int:
    """Queue the overdue alerts again; return how many. A second task beside a live one
    costs a query: deliveries are claimed by one task each."""
    ids = list(overdue_alerts(now).values_list("pk", flat=True))
    for pk in ids:
        send_alert.enqueue(pk)
    return len(ids)


def enqueue_later(task_, when, *args, **kwargs):
    """``task_`` queued to run at ``when``; a backend that cannot wait (the immediate one
    of development) leaves it to the next run."""
    if not task_.get_backend().supports_defer:
        logger.warning("Task %s not retried: its backend cannot defer tasks", task_.name)
        return
    task_.using(run_after=when).enqueue(*args, **kwargs)


# The messages --------------------------------------------------------------------------


def release_content(release, language) -> dict:
    """What every recipient's message of ``release`` in ``language`` shows."""
    with translation.override(language):
        url = settings.SITE_URL + release.get_absolute_url()
    blocks = release.blocks.filter(kind__in=Block.TEXT_KINDS).select_related("official")
    paragraphs = []
    for block in blocks.order_by("position"):
        text = localized(block, "text", language) or ""
        if not text.strip():
            continue
        official = block.official and localized(block.official, "name", language)
        paragraphs.append(
            {
                "quote": block.kind == Block.Kind.QUOTE,
                # Paragraphs hold the inline safelist only (cleaned when saved); a link
                # to the site itself must name it in a message.
                "html": text.replace('href="/', f'href="{settings.SITE_URL}/'),
                "text": html.unescape(strip_tags(text.replace("<br>", "\n"))),
                "official": official or "",
            }
        )
    return {
        "title": localized(release, "title", language),
        "lead": localized(release, "lead", language),
        "date": release.published_at,
        "url": url,
        "paragraphs": paragraphs,
        "language": language,
        "site_name": settings.SITE_NAME.get(language, ""),
    }


def list_headers(subscription, unsubscribe_url) -> dict:
    """RFC 2369 and RFC 8058: mail programs offer a one-click unsubscribe button."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<alerts-{subscription.language}.{settings.ALERTS_LIST_ID}>",
        "Auto-Submitted": "auto-generated",
    }


def release_message(content, subscription, connection):
    unsubscribe_url = subscription.unsubscribe_url()
    context = {**content, "unsubscribe_url": unsubscribe_url}
    with translation.override(subscription.language):
        text = render_to_string("alerts/email/release.txt", context)
        html_body = render_to_string("alerts/email/release.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(content["title"].split()),
        body=text,
        to=[subscription.email],
        connection=connection,
        headers=list_headers(subscription, unsubscribe_url),
    )
    message.attach_alternative(html_body, "text/html")
    return message


@task()
def send_confirmation(subscription_id: int, tags: list, officials: list, attempt: int = 1):
    """The double opt-in message: a link that confirms the subscription and its choices."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    language = subscription.language
    context = {
        "url": subscription.confirm_url(subscription.confirm_token(tags, officials)),
        "already": subscription.is_confirmed,
        "days": settings.ALERTS_CONFIRM_DAYS,
        "site_name": settings.SITE_NAME.get(language, ""),
    }
    with translation.override(language):
        subject = gettext("Confirm your e-mail alerts from %(site)s") % {
            "site": context["site_name"]
        }
        body = render_to_string("alerts/email/confirm.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[subscription.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    try:
        message.send()
    except OSError as error:
        if attempt < settings.ALERTS_MAX_ATTEMPTS and is_temporary(error, subscription.email):
            when = timezone.now() + retry_delay(attempt)
            enqueue_later(send_confirmation, when, subscription_id, tags, officials, attempt + 1)
            return "retry"
        logger.error("Confirmation to subscription %s failed: %s", subscription_id, error)
        return "failed"
    return "sent"
