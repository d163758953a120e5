"""What the staff's daily digest says about consultations: the reader's own problems due by the next
working day or overdue, and the questions waiting more than three working days in its scope; in a fixed
number of queries."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from consultations.digest import digest_sections
from consultations.models import Consultation
from zaozhuang_titles.digest import DigestReader

pytestmark = pytest.mark.django_db

#: A Monday; the next working day is Tuesday 1 December. Three working days before it: 25 November.
MONDAY = datetime.date(2026, 11, 30)


def asked_on(consultation, day):
    Consultation.objects.filter(pk=consultation.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    )


def readers(world):
    return [
        DigestReader(user=world.city, city=True),
        DigestReader(user=world.district, division=world.division),
        DigestReader(user=world.other_district, division=world.other_division),
    ]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_owners_hear_of_their_problems_due_or_overdue_and_staff_of_late_questions(world, english):
    tuesday, friday = datetime.date(2026, 11, 24), datetime.date(2026, 11, 27)
    overdue = world.problem(world.ask(title="逾期的难题"), owner=world.district, due_days=1, today=tuesday)
    due_tomorrow = world.problem(world.ask(title="明天到期的难题"), owner=world.district, due_days=2, today=friday)
    world.problem(world.ask(title="下周到期的难题"), owner=world.district, due_days=5, today=MONDAY)
    late = world.ask(title="等了很久的咨询")
    asked_on(late, datetime.date(2026, 11, 20))
    recent = world.ask(title="刚提的咨询")
    asked_on(recent, friday)

    sections = digest_sections(readers=readers(world), today=MONDAY, now=timezone.now())

    district = sections[world.district.pk]
    assert (overdue.due_on, due_tomorrow.due_on) == (datetime.date(2026, 11, 25), datetime.date(2026, 12, 1))
    assert district[0].lines == (
        f"{overdue.title}: overdue since {date_format(overdue.due_on, 'DATE_FORMAT')}",
        f"{due_tomorrow.title}: due {date_format(due_tomorrow.due_on, 'DATE_FORMAT')}",
    )
    # Five questions are open; only the one asked on 20 November has waited more than three working days.
    assert district[1].lines[0].startswith("1 questions await an answer for more than 3 working days")
    assert [section.title for section in sections[world.city.pk]] == ["Questions awaiting an answer"]
    assert world.other_district.pk not in sections


def test_the_consultations_digest_costs_three_queries_however_many(world, django_assert_num_queries):
    world.problem(owner=world.district, due_days=1, today=datetime.date(2026, 11, 24))
    with django_assert_num_queries(3):
        digest_sections(readers=readers(world), today=MONDAY, now=timezone.now())
    for number in range(5):
        world.problem(world.ask(title=f"难题{number}"), owner=world.city, due_days=1, today=datetime.date(2026, 11, 24))
    with django_assert_num_queries(3):
        digest_sections(readers=readers(world), today=MONDAY, now=timezone.now())
