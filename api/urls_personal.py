"""The applicant's page for its personal API token (``/accounts/api-token/``)."""

from django.urls import path

from api.views import personal

app_name = "api_token"

urlpatterns = [
    path("api-token/", personal.PersonalTokenView.as_view(), name="personal_token"),
]
