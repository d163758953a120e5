"""Pages of the publicity: the public list and notice (what they show and what they never show, the
period with its provisional note, the PDF), and city staff publishing, following and closing notices."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Status
from results.models import Publicity, PublicityEntry
from results.services import publicity as services
from tests.applications.factories import ApplicationFactory, World
from tests.results.filing_factories import EARLY
from tests.results.test_publicity import objection, passed, publish
from zaozhuang_titles.workdays import period_end

pytestmark = pytest.mark.django_db


def notice_url(publicity):
    return reverse("results:publicity_notice", args=[publicity.pk])


def add_line(publicity):
    """One more published line (arranged directly: the page's query count is what is measured)."""
    application = ApplicationFactory(batch=publicity.batch, status=Status.PUBLICITY)
    return PublicityEntry.objects.create(
        publicity=publicity,
        application=application,
        name=application.applicant.real_name,
        enterprise_name=application.enterprise.name,
        specialty=application.specialty,
        title_granted="高级工程师",
        position=publicity.entries.count() + 1,
    )


def add_notice(world):
    """One more notice of one line (arranged directly)."""
    today = timezone.localdate()
    publicity = Publicity.objects.create(
        batch=world.batch,
        title=f"公示{Publicity.objects.count() + 1}",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
        working_days=5,
        how_to_object="书面反映。",
        committee_name="枣庄市工程技术高级职称评审委员会",
        published_by=world.city,
    )
    add_line(publicity)
    return publicity


# --- Public ---------------------------------------------------------------------------------------


def test_public_list_shows_current_and_past_notices(client):
    running, _apps = publish(World())
    past, _apps = publish(World(), starts_on=timezone.localdate() - datetime.timedelta(days=40))
    services.publicity_close_due(publicity_id=past.pk)

    response = client.get(reverse("results:publicity_list"))

    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [running.pk, past.pk]
    assert [row.state for row in response.context["rows"]] == ["running", "closed"]
    html = response.content.decode()
    assert running.title in html and past.title in html


def test_public_list_queries_pinned_at_1_and_3(client, django_assert_num_queries):
    world = World()
    url = reverse("results:publicity_list")
    add_notice(world)
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(2):
        one = client.get(url)
    add_notice(world)
    add_notice(world)
    with django_assert_num_queries(2):
        three = client.get(url)

    assert one.status_code == three.status_code == 200


def test_notice_page_queries_pinned_at_1_and_3(client, django_assert_num_queries):
    publicity, _apps = publish(World())
    url = notice_url(publicity)
    add_line(publicity)
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(2):
        one = client.get(url)
    add_line(publicity)
    add_line(publicity)
    with django_assert_num_queries(2):
        three = client.get(url)

    assert one.status_code == three.status_code == 200


def test_notice_page_shows_the_list_and_no_other_personal_data(client):
    world = World()
    publicity, (first, second) = publish(world, count=2)
    applicant = first.applicant
    assert applicant.id_number and applicant.mobile

    response = client.get(notice_url(publicity))

    html = response.content.decode()
    for application in (first, second):
        assert application.applicant.real_name in html
        assert application.applicant.id_number not in html
        assert application.applicant.id_number[-6:] not in html
        assert application.applicant.mobile not in html
        assert application.number not in html
        assert application.applicant.email not in html
    assert world.enterprise.name in html
    assert world.enterprise.credit_code not in html
    assert "高级工程师" in html
    assert reverse("results:publicity_pdf", args=[publicity.pk]) in html
    assert response.context["form"] is not None
    assert [entry.pk for entry in response.context["entries"]] == list(
        publicity.entries.order_by("position").values_list("pk", flat=True)
    )


def test_notice_page_shows_the_period_across_national_day_2026(client):
    start = datetime.date(2026, 9, 29)
    period = period_end(start, 5)
    publicity, _apps = publish(World(), starts_on=start)

    html = client.get(notice_url(publicity)).content.decode()

    assert f"{period.first_day:%Y-%m-%d}" in html
    assert f"{period.end:%Y-%m-%d}" in html
    assert 'data-testid="provisional"' not in html


def test_notice_page_says_when_the_end_date_is_provisional(client, client_for):
    world = World()
    start = datetime.date(2031, 9, 29)
    period = period_end(start, 5)
    publicity, _apps = publish(world, starts_on=start)

    html = client.get(notice_url(publicity)).content.decode()
    staff_html = client_for(world.city).get(reverse("results:publicity_staff_detail", args=[publicity.pk])).content

    assert f"{period.end:%Y-%m-%d}" in html
    assert 'data-testid="provisional"' in html
    assert "2031" in html.split('data-testid="provisional"')[1][:600]
    assert b'data-testid="provisional"' in staff_html


def test_the_pdf_is_public(client):
    publicity, _apps = publish(World())

    response = client.get(reverse("results:publicity_pdf", args=[publicity.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_unknown_notice_or_reference_is_not_found(client):
    assert client.get(reverse("results:publicity_notice", args=[999999])).status_code == 404
    assert client.get(reverse("results:publicity_pdf", args=[999999])).status_code == 404
    received = reverse("results:publicity_objection_received", args=["YY20260101AAAAAA"])
    assert client.get(received).status_code == 404


# --- Staff ----------------------------------------------------------------------------------------


def test_staff_publish_page_offers_the_defaults(client_for):
    world = World()
    application = passed(world)

    response = client_for(world.city).get(reverse("results:publicity_publish", args=[world.batch.pk]))

    form = response.context["form"]
    assert world.batch.name in form.initial["title"]
    assert form.initial["starts_on"] == services.next_working_day()
    assert form.initial["how_to_object"]
    assert [a.pk for a in response.context["applications"]] == [application.pk]
    period = response.context["period"]
    assert period.end == period_end(services.next_working_day(), world.batch.publicity_working_days).end


@pytest.mark.parametrize(
    ("batch_name", "title"),
    [
        ("2022年度专精特新企业工程技术副高级专项评审", "2022年度专精特新企业工程技术副高级专项评审结果公示"),
        ("2023年度高级工程师职称", "2023年度高级工程师职称评审结果公示"),
    ],
)
def test_staff_publish_page_default_title_says_评审_once(client_for, batch_name, title):
    world = World()
    world.batch.name = batch_name
    world.batch.save(update_fields=["name"])
    passed(world)

    response = client_for(world.city).get(reverse("results:publicity_publish", args=[world.batch.pk]))

    page = response.content.decode()
    assert f'value="{title}"' in page
    assert "评审评审" not in page


def test_staff_publish_from_the_page(client_for):
    world = World()
    application = passed(world)
    starts_on = services.next_working_day()

    response = client_for(world.city).post(
        reverse("results:publicity_publish", args=[world.batch.pk]),
        {"title": "关于评审结果的公示", "starts_on": starts_on.isoformat(), "how_to_object": "书面反映。"},
    )

    publicity = Publicity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("results:publicity_staff_detail", args=[publicity.pk])
    assert (publicity.title, publicity.how_to_object) == ("关于评审结果的公示", "书面反映。")
    assert publicity.ends_on == period_end(starts_on, world.batch.publicity_working_days).end
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY


@pytest.mark.parametrize("days", [400, None])
def test_staff_publish_too_far_ahead_shows_the_error(client_for, days):
    world = World()
    application = passed(world)
    starts_on = "9999-12-31" if days is None else (timezone.localdate() + datetime.timedelta(days=days)).isoformat()

    response = client_for(world.city).post(
        reverse("results:publicity_publish", args=[world.batch.pk]),
        {"title": "公示", "starts_on": starts_on, "how_to_object": "书面反映。"},
    )

    assert response.status_code == 200
    assert "starts_on" in response.context["form"].errors
    assert Publicity.objects.count() == 0
    application.refresh_from_db()
    assert application.status == Status.PASSED


def test_staff_publish_with_a_past_first_day_shows_the_error(client_for):
    world = World()
    application = passed(world)

    response = client_for(world.city).post(
        reverse("results:publicity_publish", args=[world.batch.pk]),
        {"title": "公示", "starts_on": "2020-01-06", "how_to_object": "书面反映。"},
    )

    assert response.status_code == 200
    assert "starts_on" in response.context["form"].errors
    assert Publicity.objects.count() == 0
    application.refresh_from_db()
    assert application.status == Status.PASSED


def test_a_batch_without_passed_applications_cannot_be_opened_for_publishing(client_for):
    world = World()
    world.accepted()
    url = reverse("results:publicity_publish", args=[world.batch.pk])
    response = client_for(world.city).get(url)
    assert response.status_code == 404
    posted = client_for(world.city).post(url, {"title": "公示", "starts_on": "2026-12-01", "how_to_object": "x"})
    assert posted.status_code == 404
    assert Publicity.objects.count() == 0


def test_staff_close_by_hand_with_confirmation_then_twice_refused(client_for):
    world = World()
    publicity, (free, held) = publish(world, count=2)
    objection(publicity.entries.get(application=held))
    staff = client_for(world.city)
    url = reverse("results:publicity_close", args=[publicity.pk])

    page = staff.get(url)
    assert page.context["early"] is True
    assert [entry.application_id for entry in page.context["held"]] == [held.pk]
    unconfirmed = staff.post(url, {})
    assert "confirm" in unconfirmed.context["form"].errors
    publicity.refresh_from_db()
    assert publicity.closed_at is None

    without_reason = staff.post(url, {"confirm": "on"})
    assert "提前结束须写明理由" in without_reason.context["form"].errors["reason"][0]
    publicity.refresh_from_db()
    assert publicity.closed_at is None

    closed = staff.post(url, {"confirm": "on", "reason": EARLY}, follow=True)
    assert [m.level_tag for m in closed.context["messages"]] == ["success"]
    publicity.refresh_from_db()
    closed_at = publicity.closed_at
    assert closed_at is not None and publicity.closed_by == world.city
    assert publicity.close_reason == EARLY
    assert 'data-testid="close-reason"' in closed.content.decode() and EARLY in closed.content.decode()
    notice = staff.get(reverse("results:publicity_notice", args=[publicity.pk])).content.decode()
    assert EARLY in notice
    assert publicity.entries.get(application=free).cleared_at is not None
    assert publicity.entries.get(application=held).cleared_at is None

    again = staff.post(url, {"confirm": "on", "reason": EARLY}, follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    publicity.refresh_from_db()
    assert publicity.closed_at == closed_at
    assert staff.get(url).status_code == 302


def test_staff_detail_shows_cleared_and_held_lines(client_for):
    world = World()
    publicity, (free, held) = publish(world, count=2)
    objection(publicity.entries.get(application=held))
    services.publicity_close(publicity=publicity, actor=world.city, reason=EARLY)

    response = client_for(world.city).get(reverse("results:publicity_staff_detail", args=[publicity.pk]))

    states = {
        entry.application_id: (entry.cleared_at is not None, bool(entry.open_objections))
        for entry in response.context["entries"]
    }
    assert states == {free.pk: (True, False), held.pk: (False, True)}


def test_staff_home_queries_pinned_at_1_and_3(client_for, django_assert_num_queries):
    world = World()
    staff = client_for(world.city)
    url = reverse("results:publicity_staff")
    add_notice(world)
    staff.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(11):
        one = staff.get(url)
    add_notice(world)
    add_notice(world)
    with django_assert_num_queries(11):
        three = staff.get(url)

    assert one.status_code == three.status_code == 200


def test_staff_detail_queries_pinned_at_1_and_3(client_for, django_assert_num_queries):
    world = World()
    publicity, _apps = publish(world)
    staff = client_for(world.city)
    url = reverse("results:publicity_staff_detail", args=[publicity.pk])
    add_line(publicity)
    staff.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(10):
        one = staff.get(url)
    add_line(publicity)
    add_line(publicity)
    with django_assert_num_queries(10):
        three = staff.get(url)

    assert one.status_code == three.status_code == 200


def test_the_objection_form_is_csrf_protected():
    from django.test import Client

    from tests.results.test_objections import form_data

    publicity, _apps = publish(World())
    client = Client(enforce_csrf_checks=True)

    response = client.post(notice_url(publicity), form_data(publicity.entries.get()))

    assert response.status_code == 403
    assert not publicity.entries.get().objections.exists()


@pytest.mark.parametrize(
    "name",
    [
        "results:publicity_notice",
        "results:publicity_pdf",
        "results:publicity_staff_detail",
        "results:publicity_objection",
        "results:publicity_publish",
    ],
)
def test_a_key_beyond_64_bits_is_not_found(client_for, name):
    world = World()
    key = "9" * 25
    url = reverse(name, args=[1]).replace("/1/", f"/{key}/")
    assert client_for(world.city).get(url).status_code == 404


def test_staff_close_of_a_notice_not_started_warns_and_needs_a_reason(client_for):
    world = World()
    publicity, _applications = publish(world, starts_on=services.next_working_day())
    staff = client_for(world.city)
    url = reverse("results:publicity_close", args=[publicity.pk])

    page = staff.get(url).content.decode()
    refused = staff.post(url, {"confirm": "on"})
    publicity.refresh_from_db()
    assert publicity.closed_at is None
    staff.post(url, {"confirm": "on", "reason": "公示对象有误，撤回。"})

    assert 'data-testid="not-started"' in page
    assert "该公示尚未开始" in refused.context["form"].errors["reason"][0]
    publicity.refresh_from_db()
    assert publicity.closed_at is not None and publicity.close_reason == "公示对象有误，撤回。"


def test_notice_pages_and_search_within_the_notice(client):
    world = World()
    publicity, _apps = publish(world, count=1)
    for _ in range(4):
        add_line(publicity)
    url = notice_url(publicity)
    names = list(publicity.entries.order_by("position").values_list("name", flat=True))

    from results.selectors import publicity as selectors

    original = selectors.NOTICE_PAGE_SIZE
    selectors.NOTICE_PAGE_SIZE = 2
    try:
        first = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        last = client.get(f"{url}?page=3", HTTP_ACCEPT_LANGUAGE="en")
        beyond = client.get(f"{url}?page=99", HTTP_ACCEPT_LANGUAGE="en")
        nonsense = client.get(f"{url}?page=-1x", HTTP_ACCEPT_LANGUAGE="en")
        found = client.get(url, {"q": names[3][1:]}, HTTP_ACCEPT_LANGUAGE="en")
        nothing = client.get(url, {"q": "无此人"}, HTTP_ACCEPT_LANGUAGE="en")
    finally:
        selectors.NOTICE_PAGE_SIZE = original

    assert [line.name for line in first.context["entries"]] == names[:2]
    assert "5 persons passed the review" in first.content.decode()
    assert "Page 1 of 3" in first.content.decode()
    assert [line.name for line in last.context["entries"]] == names[4:]
    assert beyond.context["notice"].number == 3  # past the end: the last page
    assert nonsense.context["notice"].number == 1
    assert names[3] in [line.name for line in found.context["entries"]]
    assert found.context["notice"].matched >= 1
    assert "No one on this notice matches the search." in nothing.content.decode()
