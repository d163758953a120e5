"""The chairman's nomination (董事长署名举荐) on the eligibility tables: pending (等待董事长署名) while the
chairman's step is ahead, met once signed, not met only when the application went past it unsigned."""

import re

import pytest
from django.urls import reverse

from applications.models import Application
from tests.applications.factories import World

pytestmark = pytest.mark.django_db


def nomination_row(page):
    match = re.search(r'<tr data-testid="rule-nomination">(.*?)</tr>', page, re.S)
    assert match, "no nomination row"
    return match.group(1)


def test_submitted_application_shows_the_nomination_pending_to_its_applicant(client_for):
    world = World()
    application = world.submitted()

    page = client_for(application.applicant).get(reverse("applications:my_application", args=[application.pk]))

    row = nomination_row(page.content.decode())
    assert "等待董事长署名" in row
    assert "text-bg-light border" in row
    assert "text-bg-danger" not in row and "不符合" not in row


@pytest.mark.parametrize("who", ["contact", "city"])
def test_submitted_application_shows_the_nomination_pending_to_the_enterprise_and_staff(client_for, who):
    world = World()
    application = world.submitted()

    page = client_for(getattr(world, who)).get(reverse("applications:detail", args=[application.pk])).content.decode()

    row = nomination_row(page)
    assert "等待董事长署名" in row and "text-bg-danger" not in row
    heading = re.search(r'data-testid="eligible">(.*?)</span>', page).group(1)
    assert heading == "等待董事长署名"


def test_signed_nomination_is_met(client_for):
    world = World()
    application = world.submitted()
    world.sign(application)

    page = client_for(world.contact).get(reverse("applications:detail", args=[application.pk])).content.decode()

    row = nomination_row(page)
    assert "text-bg-success" in row and "符合" in row and "等待董事长署名" not in row


def test_nomination_broken_after_the_enterprise_step_is_not_met(client_for):
    world = World()
    application = world.at_district()
    # A change that reached the application outside the services breaks the signature.
    Application.objects.filter(pk=application.pk).update(summary="另一份业绩简介")

    page = client_for(world.district).get(reverse("applications:detail", args=[application.pk])).content.decode()

    row = nomination_row(page)
    assert "text-bg-danger" in row and "不符合" in row
