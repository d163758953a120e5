"""API clients in admin: city staff create them (the token is shown once, on the page after saving),
rotate their token and revoke them. Scopes and the rate limit can be changed; the token never is.
The record of the API's calls is read here too (read only)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from api import services
from api.models import ApiCall, ApiClient, Scope
from zaozhuang_titles.admin import PortalModelAdmin


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ApiClient
        fields = ["name", "organisation", "scopes", "rate_limit_per_minute", "is_active"]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("reason for revoking"), max_length=200)


@admin.register(ApiClient)
class ApiClientAdmin(PortalModelAdmin):
    form = ApiClientForm
    list_display = ["name", "organisation", "token_prefix", "is_active", "revoked_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "organisation", "token_prefix"]
    list_select_related = []
    readonly_fields = [
        "token_prefix",
        "created_by",
        "created_at",
        "rotated_at",
        "revoked_at",
        "revoke_reason",
        "last_used_at",
    ]

    def get_fields(self, request, obj=None):
        fields = ["name", "organisation", "scopes", "rate_limit_per_minute"]
        return fields + (["is_active", *self.readonly_fields] if obj else [])

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.full_clean()
            obj.save()
            return
        client, token = services.client_create(
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data.get("organisation", ""),
            scopes=list(form.cleaned_data["scopes"]),
            rate_limit_per_minute=form.cleaned_data["rate_limit_per_minute"],
            actor=request.user,
        )
        obj.pk = client.pk
        request.api_token = token

    def response_add(self, request, obj, post_url_continue=None):
        return self._token_page(request, obj, request.api_token)

    def get_urls(self):
        own = [
            path("<int:pk>/rotate/", self.admin_site.admin_view(self.rotate_view), name="api_apiclient_rotate"),
            path("<int:pk>/revoke/", self.admin_site.admin_view(self.revoke_view), name="api_apiclient_revoke"),
        ]
        return own + super().get_urls()

    def _client(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        client = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, client):
            raise PermissionDenied
        return client

    def _token_page(self, request, client, token):
        return TemplateResponse(
            request,
            "admin/api/token_once.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "client": client,
                "token": token,
                "title": gettext("The token of %(client)s") % {"client": client},
            },
        )

    def rotate_view(self, request, pk):
        client = self._client(request, pk)
        if request.method != "POST":
            return TemplateResponse(
                request,
                "admin/api/confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "client": client,
                    "action": "rotate",
                    "title": gettext("Give %(client)s a new token") % {"client": client},
                },
            )
        try:
            token = services.client_rotate(client=client, actor=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect(reverse("admin:api_apiclient_change", args=[client.pk]))
        return self._token_page(request, client, token)

    def revoke_view(self, request, pk):
        client = self._client(request, pk)
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.client_revoke(client=client, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
            else:
                messages.success(
                    request, gettext("%(client)s is revoked; its token no longer works.") % {"client": client}
                )
            return redirect(reverse("admin:api_apiclient_change", args=[client.pk]))
        return TemplateResponse(
            request,
            "admin/api/confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "client": client,
                "action": "revoke",
                "form": form,
                "title": gettext("Revoke %(client)s") % {"client": client},
            },
        )


@admin.register(ApiCall)
class ApiCallAdmin(PortalModelAdmin):
    """接口调用记录 — every call: when, which client (or personal token), scope, method, path, status and
    how many objects it returned or wrote."""

    list_display = ["at", "client", "personal_token", "scope", "method", "path", "status", "object_count", "replayed"]
    list_filter = ["client", "scope", "method", "status", ("at", admin.DateFieldListFilter)]
    list_select_related = ["client", "personal_token"]
    search_fields = ["path"]
    readonly_fields = list_display

    def has_change_permission(self, request, obj=None):
        return False


from api import admin_webhooks  # noqa: E402, F401  (webhook subscriptions and deliveries)
