"""Cache-Control of private and public responses (``zaozhuang_titles.caching``); every row of the
authorization matrix checks it too."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def directives(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_caching_public_page_keeps_its_caching_for_anonymous_visitors(client):
    response = client.get(reverse("about"))
    assert "no-store" not in directives(response)
    assert "private" not in directives(response)


def test_caching_same_page_is_private_for_a_logged_in_user(client_for):
    response = client_for(UserFactory(roles=[Role.APPLICANT])).get(reverse("about"))
    assert {"no-store", "private"} <= directives(response)


def test_caching_csrf_refusal_of_a_logged_in_user_is_private():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(roles=[Role.APPLICANT]), backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    response = client.post(reverse("notices"))
    assert response.status_code == 403
    assert 'data-testid="error-csrf"' in response.content.decode()
    assert {"no-store", "private"} <= directives(response)


def test_caching_answer_to_logging_out_is_private(client_for):
    response = client_for(UserFactory(roles=[Role.APPLICANT])).post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert {"no-store", "private"} <= directives(response)
