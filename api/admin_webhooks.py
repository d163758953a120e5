"""Webhooks in admin, for city staff: subscriptions (the secret is shown once, on the page after saving
or rotating it) and the delivery log, read only, with a replay button and a bulk replay action. Every
save, rotation and replay goes through ``api.webhooks`` and is in the audit log."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from api import webhooks
from api.models import ApiClient, Scope
from api.models_webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription
from zaozhuang_titles.admin import PortalModelAdmin


def webhook_clients():
    """The clients that may subscribe: usable and holding the ``webhooks`` scope (few rows)."""
    usable = ApiClient.objects.filter(is_active=True, revoked_at__isnull=True)
    return usable.filter(pk__in=[client.pk for client in usable if client.has_scope(Scope.WEBHOOKS)])


class WebhookSubscriptionForm(forms.ModelForm):
    target_url = forms.URLField(
        label=_("address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the portal POSTs the events, e.g. https://hr.example.gov.cn/hooks/titles."),
    )
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["client", "target_url", "events", "description", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "client" in self.fields:
            self.fields["client"].queryset = webhook_clients()
            self.fields["client"].help_text = gettext(
                "Only active clients holding the scope “%(scope)s” are listed."
            ) % {"scope": Scope.WEBHOOKS.label}


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(PortalModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["client", "target_url", "event_labels", "is_active", "created_at", "secret_rotated_at"]
    list_filter = ["is_active", "client"]
    search_fields = ["client__name", "target_url", "description"]
    list_select_related = ["client"]
    readonly_fields = ["created_by", "created_at", "secret_rotated_at"]

    @admin.display(description=_("events"))
    def event_labels(self, obj):
        return obj.event_labels

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["client", "target_url", "events", "description"]
        return ["client", "target_url", "events", "description", "is_active", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # The client of a subscription never changes: its secret was given to that client.
        return ["client", *self.readonly_fields] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            webhooks.subscription_change(subscription=obj, actor=request.user)
            return
        subscription, secret = webhooks.subscription_create(
            client=form.cleaned_data["client"],
            target_url=form.cleaned_data["target_url"],
            events=list(form.cleaned_data["events"]),
            description=form.cleaned_data.get("description", ""),
            actor=request.user,
        )
        obj.pk = subscription.pk
        request.webhook_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        return self._secret_page(request, obj, request.webhook_secret)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/rotate-secret/",
                self.admin_site.admin_view(self.rotate_view),
                name="api_webhooksubscription_rotate",
            ),
        ]
        return own + super().get_urls()

    def _secret_page(self, request, subscription, secret):
        return TemplateResponse(
            request,
            "admin/api/webhook_secret_once.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "subscription": subscription,
                "secret": secret,
                "title": gettext("The signing secret of %(subscription)s") % {"subscription": subscription},
            },
        )

    def rotate_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        subscription = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, subscription):
            raise PermissionDenied
        if request.method != "POST":
            return TemplateResponse(
                request,
                "admin/api/webhook_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "action": "rotate",
                    "cancel_url": reverse("admin:api_webhooksubscription_change", args=[subscription.pk]),
                    "title": gettext("Give %(subscription)s a new signing secret") % {"subscription": subscription},
                },
            )
        secret = webhooks.subscription_rotate_secret(subscription=subscription, actor=request.user)
        return self._secret_page(request, subscription, secret)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(PortalModelAdmin):
    """The delivery log: what was sent to whom, how it went; read only, replayed by staff."""

    list_display = [
        "id",
        "created_at",
        "event_type",
        "client",
        "status",
        "attempts",
        "last_status_code",
        "finished_at",
        "replayed_by",
    ]
    list_filter = ["status", "event_type", "subscription__client", ("replay_of", admin.EmptyFieldListFilter)]
    list_select_related = ["subscription__client", "replayed_by"]
    actions = ["replay"]
    fields = [
        "event_id",
        "event_type",
        "occurred_at",
        "subscription",
        "status",
        "attempts",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "finished_at",
        "last_status_code",
        "last_duration_ms",
        "last_error",
        "last_response_excerpt",
        "replay_of",
        "replayed_by",
        "payload_json",
    ]
    readonly_fields = fields

    @admin.display(description=_("API client"), ordering="subscription__client__name")
    def client(self, obj):
        return obj.subscription.client.name

    @admin.display(description=_("payload"))
    def payload_json(self, obj):
        return format_html(
            '<pre class="webhook-payload">{}</pre>', json.dumps(obj.payload, ensure_ascii=False, indent=2)
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_replay_permission(self, request, obj=None):
        return request.user.has_perm("api.replay_webhookdelivery", obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subscription__client", "replayed_by", "replay_of")

    @admin.action(description=_("Replay the selected deliveries"), permissions=["replay"])
    def replay(self, request, queryset):
        replays, refusals = webhooks.deliveries_replay(
            deliveries=queryset.select_related("subscription__client").order_by("pk"), actor=request.user
        )
        for refusal in refusals:
            messages.error(request, refusal)
        if replays:
            messages.success(
                request,
                ngettext("%(count)d delivery replayed.", "%(count)d deliveries replayed.", len(replays))
                % {"count": len(replays)},
            )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/replay/",
                self.admin_site.admin_view(self.replay_view),
                name="api_webhookdelivery_replay",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_replay": self.has_replay_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def replay_view(self, request, pk):
        if not self.has_replay_permission(request):
            raise PermissionDenied
        delivery = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:api_webhookdelivery_change", args=[delivery.pk])
        if request.method != "POST":
            return TemplateResponse(
                request,
                "admin/api/webhook_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "action": "replay",
                    "delivery": delivery,
                    "refusal": webhooks.replay_refusal(delivery),
                    "cancel_url": change_url,
                    "title": gettext("Replay delivery #%(pk)d") % {"pk": delivery.pk},
                },
            )
        try:
            replay = webhooks.delivery_replay(delivery=delivery, actor=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect(change_url)
        replay.refresh_from_db()
        messages.success(
            request,
            gettext("The payload was sent again as delivery #%(pk)d: %(status)s.")
            % {"pk": replay.pk, "status": replay.get_status_display()},
        )
        return redirect(reverse("admin:api_webhookdelivery_change", args=[replay.pk]))
