"""The public pages of e-mail alerts: subscribe, confirm, unsubscribe.

Nothing here sends mail: the confirmation is queued for the worker. Submitting says the
same whether or not the address is subscribed already, and is limited per client and per
address (django-ratelimit, in the shared cache), so that nobody can use the form to
flood an address or load the server. Links carry signed keys, never an address.
"""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView
from django_ratelimit.core import is_ratelimited

from releases.models import Official, Release, Tag
from releases.navigation import BreadcrumbsMixin, crumb, site_crumbs
from releases.security import client_ip
from releases.views import TranslationsMixin, not_for_the_public

from .delivery import send_confirmation
from .forms import SubscribeForm
from .models import Subscription


def by_client(group, request):
    return client_ip(request) or "unknown"


class SubscribeView(BreadcrumbsMixin, TranslationsMixin, FormView):
    """The form; a valid one queues the confirmation and leads to "check your inbox"."""

    template_name = "alerts/subscribe.html"
    form_class = SubscribeForm

    def get_breadcrumbs(self):
        return [*site_crumbs(), crumb(_("E-mail alerts"))]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        # The form holds a CSRF token: never kept by a shared cache.
        patch_cache_control(response, private=True, no_store=True)
        return response

    def post(self, request, *args, **kwargs):
        if is_ratelimited(
            request,
            group="alerts-subscribe-client",
            key=by_client,
            rate=settings.ALERTS_SUBSCRIBE_RATE_PER_CLIENT,
            increment=True,
        ):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("Too many requests from your network. Try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email, language = form.cleaned_data["email"], form.language
        # Past the limit for this address, the answer is the same and nothing is sent.
        if not is_ratelimited(
            self.request,
            group="alerts-subscribe-address",
            key=lambda group, request: email,
            rate=settings.ALERTS_SUBSCRIBE_RATE_PER_ADDRESS,
            increment=True,
        ):
            with transaction.atomic():
                subscription, _created = Subscription.objects.get_or_create(
                    email=email, language=language
                )
                send_confirmation.enqueue(
                    subscription.pk, form.cleaned_data["tags"], form.cleaned_data["officials"]
                )
        return HttpResponseRedirect(reverse("releases:alerts_sent"))


class SentView(TranslationsMixin, TemplateView):
    template_name = "alerts/sent.html"


def invalid_link(request):
    response = render(request, "alerts/invalid_link.html", status=404)
    return not_for_the_public(response)


class ConfirmView(TranslationsMixin, TemplateView):
    """GET shows a button, POST confirms: a mail scanner that opens links confirms nothing."""

    template_name = "alerts/confirm.html"

    def dispatch(self, request, token):
        found = Subscription.read_confirm_token(token)
        if found is None:
            return invalid_link(request)
        self.subscription, self.tags, self.officials = found
        return not_for_the_public(super().dispatch(request, token))

    def post(self, request, token):
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().get(pk=self.subscription.pk)
            # Only what is still public can be chosen: a tag made private meanwhile is not.
            public = Release.objects.public(subscription.language)
            subscription.tags.set(Tag.objects.used_in(public).filter(pk__in=self.tags))
            subscription.officials.set(
                Official.objects.named_in(public).filter(pk__in=self.officials)
            )
            if subscription.confirmed_at is None:
                subscription.confirmed_at = timezone.now()
                subscription.save(update_fields=["confirmed_at"])
        return self.render_to_response(self.get_context_data(confirmed=True))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subscription"] = self.subscription
        return context


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(TranslationsMixin, TemplateView):
    """GET shows a button; POST unsubscribes at once, the mail programs' one-click POST
    (RFC 8058, ``List-Unsubscribe=One-Click``) included, which carries no CSRF token: the
    signed key in the address is the proof, and forging a POST needs it."""

    template_name = "alerts/unsubscribe.html"

    def dispatch(self, request, token):
        self.key = Subscription.key_of_unsubscribe_token(token)
        if self.key is None:
            return invalid_link(request)
        return not_for_the_public(super().dispatch(request, token))

    def get(self, request, token):
        subscription = Subscription.objects.filter(key=self.key).first()
        return self.render_to_response(self.get_context_data(subscription=subscription))

    def post(self, request, token):
        Subscription.objects.filter(key=self.key).delete()
        return self.render_to_response(self.get_context_data(unsubscribed=True))
