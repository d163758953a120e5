"""The eligibility engine reads recognised hours only, through ``training.selectors``: pending and
refused hours do not count, recognition turns the rule to met, and the dedicated channel waives it."""

import datetime

import pytest
from django.utils import timezone

from applications.eligibility import Outcome
from applications.selectors import application_eligibility
from tests.applications.factories import ApplicationFactory, ProfileFactory
from tests.factories import BatchFactory, UserFactory
from tests.training.factories import EntryFactory, recognised_hours
from training import services
from training.models import Category, EntryStatus
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def years_checked():
    today = timezone.localdate()
    return list(range(today.year - 3, today.year))


def application_with(channel="regular"):
    profile = ProfileFactory()
    return ApplicationFactory(
        applicant=profile.user, enterprise=profile.enterprise, batch=BatchFactory(channel=channel)
    )


def training_rule(application):
    return application_eligibility(application).result("training")


def test_recognised_hours_meet_the_rule():
    application = application_with()
    for year in years_checked():
        recognised_hours(application.applicant, year, specialty=60, public=30)
    result = training_rule(application)
    assert result.outcome == Outcome.PASS
    assert [part.outcome for part in result.parts] == [Outcome.PASS] * 3


def test_pending_and_refused_hours_do_not_count():
    application = application_with()
    first, second, third = years_checked()
    recognised_hours(application.applicant, first, specialty=60, public=30)
    recognised_hours(application.applicant, second, specialty=60, public=30)
    EntryFactory(person=application.applicant, year=third, hours=90, status=EntryStatus.PENDING)
    EntryFactory(person=application.applicant, year=third, hours=90, status=EntryStatus.REFUSED)
    result = training_rule(application)
    assert result.outcome == Outcome.FAIL
    assert [part.outcome for part in result.parts] == [Outcome.PASS, Outcome.PASS, Outcome.FAIL]
    assert str(result.parts[2].reason) == f"{third}: no record, not met"


def test_recognising_the_pending_hours_turns_the_rule_to_met():
    application = application_with()
    first, second, third = years_checked()
    recognised_hours(application.applicant, first, specialty=60, public=30)
    recognised_hours(application.applicant, second, specialty=60, public=30)
    specialty = EntryFactory(person=application.applicant, year=third, hours=60)
    public = EntryFactory(person=application.applicant, year=third, hours=30, category=Category.PUBLIC)
    assert training_rule(application).outcome == Outcome.FAIL
    city = UserFactory(roles=[Role.CITY_STAFF])
    services.entry_decide(entry=specialty, actor=city, recognise=True)
    assert str(training_rule(application).parts[2].reason) == (f"{third}: 60 hours, fewer than 90, not met")
    services.entry_decide(entry=public, actor=city, recognise=True)
    assert training_rule(application).outcome == Outcome.PASS


@pytest.mark.parametrize(
    ("specialty", "public", "outcome"),
    [(60, 30, Outcome.PASS), (59, 31, Outcome.FAIL), (59, 30, Outcome.FAIL), (61, 30, Outcome.PASS)],
)
def test_two_thirds_of_recognised_hours_in_specialty(specialty, public, outcome):
    application = application_with()
    first, second, third = years_checked()
    for year in (first, second):
        recognised_hours(application.applicant, year, specialty=90)
    recognised_hours(application.applicant, third, specialty=specialty, public=public)
    assert training_rule(application).parts[2].outcome == outcome


def test_hours_of_another_person_do_not_count():
    application = application_with()
    other = ProfileFactory().user
    for year in years_checked():
        recognised_hours(other, year, specialty=90)
    assert training_rule(application).outcome == Outcome.FAIL


def test_dedicated_channel_waives_the_rule_and_says_what_it_would_be():
    application = application_with(channel="dedicated")
    result = training_rule(application)
    assert (result.outcome, result.would_be) == (Outcome.WAIVED, Outcome.FAIL)
    for year in years_checked():
        recognised_hours(application.applicant, year, specialty=90)
    result = training_rule(application)
    assert (result.outcome, result.would_be) == (Outcome.WAIVED, Outcome.PASS)


def test_eligibility_reads_hours_in_one_query(django_assert_num_queries):
    """The rule's hours cost one query whatever the number of entries (the rest is the profile)."""
    application = application_with()
    for year in years_checked():
        recognised_hours(application.applicant, year, specialty=60, public=30)
    application = (
        type(application).objects.select_related("batch", "applicant__applicant_profile").get(pk=application.pk)
    )
    with django_assert_num_queries(4):  # educations, titles, skills: the profile; hours: one
        application_eligibility(application, on=datetime.date(timezone.localdate().year, 6, 1))
