"""个人令牌 — the applicant's page for its own API token: make one (shown once, stored hashed), see
when it was made and last used, revoke it. The token reads only the applicant's own applications."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from api import services


class PersonalTokenView(PermissionRequiredMixin, View):
    permission_required = "api.manage_personal_token"
    template_name = "api/personal_token.html"

    def get_permission_object(self):
        return None

    def get(self, request):
        return self._render(request)

    def post(self, request):
        if request.POST.get("action") == "revoke":
            try:
                services.personal_token_revoke(user=request.user)
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
            else:
                messages.success(request, _("Your personal token is revoked; it no longer works."))
            return redirect("api_token:personal_token")
        _personal, token = services.personal_token_create(user=request.user)
        return self._render(request, token=token)

    def _render(self, request, token=None):
        return render(
            request,
            self.template_name,
            {"personal": services.personal_token_of(request.user), "token": token},
        )
