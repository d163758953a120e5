"""Objections to a publicity notice (异议): the public's real-name form (validation, the evidence file,
the rate limit per address, the period), the acknowledgement, and city staff settling them."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Status
from results.models import Objection
from results.services import publicity as services
from results.views.publicity import ObjectionListView
from tests.applications.factories import World, tiny_pdf
from tests.applications.hostile_files import HOSTILE
from tests.helpers import walk_keyset_pages
from tests.results.filing_factories import EARLY
from tests.results.test_publicity import at, objection, publish
from zaozhuang_titles.models import AuditEvent, Notice
from zaozhuang_titles.workdays import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    world = World()
    publicity, (application,) = publish(world)
    return world, publicity, publicity.entries.get(), application


def form_data(line, **overrides):
    data = {
        "entry": line.pk,
        "name": "王五",
        "mobile": "13912345678",
        "relation": "同事",
        "facts": "其申报的专利并非本人完成。",
    }
    data.update(overrides)
    return data


def notice_url(publicity):
    return reverse("results:publicity_notice", args=[publicity.pk])


# --- The public form ------------------------------------------------------------------------------


def test_objection_is_received_with_a_reference_and_a_deadline(client, running):
    _world, publicity, entry, _application = running

    response = client.post(notice_url(publicity), form_data(entry), REMOTE_ADDR="198.51.100.4")

    objection = Objection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("results:publicity_objection_received", args=[objection.reference])
    assert re.fullmatch(r"YY\d{8}[A-Z2-7]{6}", objection.reference)
    assert objection.reference[2:10] == timezone.localdate(objection.received_at).strftime("%Y%m%d")
    assert (objection.entry, objection.name, objection.mobile, objection.relation) == (
        entry,
        "王五",
        "13912345678",
        "同事",
    )
    assert objection.ip == "198.51.100.4"
    assert objection.status == Objection.Status.OPEN
    expected = add_working_days(timezone.localdate(objection.received_at), services.settle_working_days()).end
    assert objection.deadline == expected

    page = client.get(response["Location"])
    html = page.content.decode()
    assert objection.reference in html
    assert expected.strftime("%Y-%m-%d") in html
    assert "13912345678" not in html  # the acknowledgement shows nothing the objector wrote


def test_references_are_unguessable():
    references = {services.new_reference() for _ in range(50)}
    assert len(references) == 50


@pytest.mark.parametrize(
    "field, value",
    [("name", ""), ("mobile", ""), ("relation", ""), ("facts", ""), ("entry", ""), ("entry", "999999999")],
)
def test_missing_or_wrong_fields_are_refused_and_nothing_is_saved(client, running, field, value):
    _world, publicity, entry, _application = running

    response = client.post(notice_url(publicity), form_data(entry, **{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Objection.objects.count() == 0


@pytest.mark.parametrize("mobile", ["1391234567", "139123456789", "23912345678", "1391234567a", "12912345678"])
def test_a_bad_mobile_number_is_refused(client, running, mobile):
    _world, publicity, entry, _application = running

    response = client.post(notice_url(publicity), form_data(entry, mobile=mobile))

    assert response.status_code == 200
    assert "mobile" in response.context["form"].errors
    assert Objection.objects.count() == 0


def test_an_entry_of_another_notice_is_refused(client, running):
    _world, publicity, _entry, _application = running
    other, _apps = publish(World())

    response = client.post(notice_url(publicity), form_data(other.entries.get()))

    assert "entry" in response.context["form"].errors
    assert Objection.objects.count() == 0


def test_an_oversize_evidence_file_is_refused(client, running, settings):
    _world, publicity, entry, _application = running
    settings.OBJECTION_MAX_FILE_BYTES = 100
    upload = SimpleUploadedFile("证据.pdf", tiny_pdf("x" * 200), content_type="application/pdf")

    response = client.post(notice_url(publicity), {**form_data(entry), "evidence": upload})

    assert response.status_code == 200
    errors = response.context["form"].errors["evidence"]
    assert any("MB" in error for error in errors)
    assert Objection.objects.count() == 0


def test_a_disguised_evidence_file_is_refused(client, running):
    _world, publicity, entry, _application = running
    upload = SimpleUploadedFile("证据.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")

    response = client.post(notice_url(publicity), {**form_data(entry), "evidence": upload})

    assert response.status_code == 200
    assert "evidence" in response.context["form"].errors
    assert Objection.objects.count() == 0


def test_an_evidence_file_is_kept_and_staff_download_it_logged(client, client_for, running):
    world, publicity, entry, _application = running
    upload = SimpleUploadedFile("证据.pdf", tiny_pdf("objection"), content_type="application/pdf")

    client.post(notice_url(publicity), {**form_data(entry), "evidence": upload})

    objection = Objection.objects.get()
    assert objection.evidence and objection.evidence_name == "证据.pdf" and len(objection.evidence_sha256) == 64
    staff = client_for(world.city)
    response = staff.get(reverse("results:publicity_objection_evidence", args=[objection.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_DOWNLOADED)
    assert event.user == world.city
    assert event.detail["objection"] == objection.reference


def test_a_second_objection_from_the_same_address_within_the_interval_is_refused(client, running):
    _world, publicity, entry, _application = running
    client.post(notice_url(publicity), form_data(entry), REMOTE_ADDR="198.51.100.4")

    response = client.post(notice_url(publicity), form_data(entry, name="赵六"), REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and re.search(r"\d+", errors[0])
    assert Objection.objects.count() == 1
    other = client.post(notice_url(publicity), form_data(entry, name="赵六"), REMOTE_ADDR="198.51.100.5")
    assert other.status_code == 302
    assert Objection.objects.count() == 2


def test_the_rate_limit_says_how_long_to_wait_and_lapses(running, settings):
    _world, _publicity, entry, _application = running
    settings.OBJECTION_MIN_INTERVAL_SECONDS = 60
    first = objection(entry, now=timezone.now() - datetime.timedelta(seconds=20))

    with pytest.raises(ValidationError) as error:
        objection(entry, now=first.received_at + datetime.timedelta(seconds=20))
    assert error.value.code == "rate_limited"
    assert re.search(r"\b40\b", error.value.messages[0])
    later = objection(entry, now=first.received_at + datetime.timedelta(seconds=61))
    assert later.pk != first.pk


def test_objections_outside_the_period_are_refused(client):
    world = World()
    upcoming, _apps = publish(world, starts_on=timezone.localdate() + datetime.timedelta(days=10))
    ended, _apps = publish(World(), starts_on=timezone.localdate() - datetime.timedelta(days=30))

    for publicity in (upcoming, ended):
        entry = publicity.entries.get()
        page = client.get(notice_url(publicity))
        assert page.context["form"] is None
        response = client.post(notice_url(publicity), form_data(entry))
        assert response.status_code == 200
        assert response.context["form"] is None
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        with pytest.raises(ValidationError) as error:
            objection(entry)
        assert error.value.code == "outside_period"
    assert Objection.objects.count() == 0


def test_a_closed_notice_receives_no_objection(running):
    world, publicity, entry, _application = running
    services.publicity_close(publicity=publicity, actor=world.city, reason=EARLY)
    entry.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        objection(entry)
    assert error.value.code == "outside_period"


# --- Staff's handling -------------------------------------------------------------------------------


def test_staff_mark_an_objection_as_investigated(client_for, running):
    world, _publicity, entry, _application = running
    raised = objection(entry)

    response = client_for(world.city).post(reverse("results:publicity_objection_investigate", args=[raised.pk]))

    assert response.status_code == 302
    raised.refresh_from_db()
    assert raised.status == Objection.Status.INVESTIGATING


def test_staff_dismiss_an_objection_with_a_conclusion(client_for, running):
    world, _publicity, entry, application = running
    raised = objection(entry)

    response = client_for(world.city).post(
        reverse("results:publicity_objection", args=[raised.pk]),
        {"decision": "dismiss", "conclusion": "经核实，专利为本人主持完成。"},
    )

    assert response.status_code == 302
    raised.refresh_from_db()
    assert raised.status == Objection.Status.DISMISSED
    assert raised.conclusion == "经核实，专利为本人主持完成。"
    assert raised.decided_by == world.city and raised.decided_at is not None
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY
    entry.refresh_from_db()
    assert entry.cleared_at is None  # the notice still runs: it clears at close


def test_a_decision_without_a_conclusion_is_refused(client_for, running):
    world, _publicity, entry, _application = running
    raised = objection(entry)

    response = client_for(world.city).post(
        reverse("results:publicity_objection", args=[raised.pk]), {"decision": "dismiss", "conclusion": " "}
    )

    assert response.status_code == 200
    assert "conclusion" in response.context["form"].errors
    raised.refresh_from_db()
    assert raised.status == Objection.Status.OPEN


@pytest.mark.parametrize(
    "decision, action, status",
    [
        (Objection.Outcome.REVIEW_AGAIN, "reopen", Status.IN_REVIEW),
        (Objection.Outcome.REJECT, "revoke", Status.REJECTED),
    ],
)
def test_staff_uphold_an_objection_and_that_case_moves(client_for, decision, action, status):
    world = World()
    publicity, (objected, other) = publish(world, count=2)
    raised = objection(publicity.entries.get(application=objected))

    response = client_for(world.city).post(
        reverse("results:publicity_objection", args=[raised.pk]),
        {"decision": decision, "conclusion": "经核实，业绩材料不实。"},
    )

    assert response.status_code == 302
    raised.refresh_from_db()
    assert (raised.status, raised.outcome) == (Objection.Status.UPHELD, decision)
    objected.refresh_from_db()
    other.refresh_from_db()
    assert objected.status == status
    assert other.status == Status.PUBLICITY
    transition = objected.transitions.get(action=action)
    assert (transition.actor, transition.reason) == (world.city, "经核实，业绩材料不实。")
    assert Notice.objects.filter(key=f"transition:{transition.pk}:applicant", recipient=objected.applicant).exists()
    assert Notice.objects.filter(key=f"transition:{transition.pk}:contact:{world.contact.pk}").exists()


def test_deciding_twice_is_refused_and_changes_nothing(running):
    world, _publicity, entry, _application = running
    raised = objection(entry)
    services.objection_dismiss(objection=raised, actor=world.city, conclusion="不成立。")

    with pytest.raises(ValidationError) as error:
        services.objection_uphold(
            objection=raised, actor=world.city, conclusion="成立。", outcome=Objection.Outcome.REJECT
        )

    assert error.value.code == "conflict"
    raised.refresh_from_db()
    assert (raised.status, raised.conclusion) == (Objection.Status.DISMISSED, "不成立。")


def test_objection_list_filters_open_and_overdue(client_for, running):
    world, _publicity, entry, _application = running
    fresh = objection(entry, ip="192.0.2.1")
    late = objection(entry, ip="192.0.2.2")
    Objection.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    settled = objection(entry, ip="192.0.2.3")
    services.objection_dismiss(objection=settled, actor=world.city, conclusion="不成立。")
    staff = client_for(world.city)
    url = reverse("results:publicity_objections")

    def shown(show):
        return {row.pk for row in staff.get(url, {"show": show}).context["rows"]}

    assert shown("open") == {fresh.pk, late.pk}
    assert shown("overdue") == {late.pk}
    assert shown("settled") == {settled.pk}
    assert shown("all") == {fresh.pk, late.pk, settled.pk}


def test_objection_list_queries_pinned_at_1_and_3(client_for, django_assert_num_queries, running):
    world, _publicity, entry, _application = running
    staff = client_for(world.city)
    url = reverse("results:publicity_objections")
    addresses = iter(f"192.0.2.{n}" for n in range(1, 50))

    objection(entry, ip=next(addresses))
    staff.get(url)  # warm caches (content types, sessions)
    # 10 with the offset pager: its COUNT(*) went with keyset pages.
    with django_assert_num_queries(9):
        one = staff.get(url)
    objection(entry, ip=next(addresses))
    objection(entry, ip=next(addresses))
    with django_assert_num_queries(9):
        three = staff.get(url)

    assert one.status_code == three.status_code == 200


def test_objection_page_shows_the_objector_to_staff(client_for, running):
    world, _publicity, entry, _application = running
    raised = objection(entry)

    response = client_for(world.city).get(reverse("results:publicity_objection", args=[raised.pk]))

    html = response.content.decode()
    assert raised.reference in html and "13912345678" in html and "论文与专利材料造假" in html


def test_objection_submit_at_a_given_time_uses_that_day(running):
    _world, publicity, entry, _application = running
    moment = at(publicity.starts_on, 11)
    raised = objection(entry, now=moment)
    assert raised.reference[2:10] == publicity.starts_on.strftime("%Y%m%d")


def test_fuzz_the_publicity_forms():
    """No input reaches a 500: the public's objection form, and staff's publish, decide and close forms."""
    from django.test import Client

    from tests.applications.test_fuzz import fuzz, login
    from tests.results.test_publicity import passed

    world = World()
    publicity, _apps = publish(world)
    raised = objection(publicity.entries.get())
    fuzz(Client(raise_request_exception=False), notice_url(publicity))
    staff = login(world.city)
    fuzz(staff, reverse("results:publicity_objection", args=[raised.pk]))
    fuzz(staff, reverse("results:publicity_close", args=[publicity.pk]))
    other = World()
    passed(other)
    fuzz(login(other.city), reverse("results:publicity_publish", args=[other.batch.pk]))


@pytest.mark.parametrize(
    "sample_id", ["js-in-object-stream", "embedded-files-tree", "launch", "encrypted-rc4", "jpeg-zip-polyglot"]
)
def test_the_public_form_refuses_a_hostile_evidence_file_and_stores_nothing(
    sample_id, client, running, settings, tmp_path
):
    _world, publicity, entry, _application = running
    settings.MEDIA_ROOT = tmp_path
    sample = next(sample for sample in HOSTILE if sample.id == sample_id)
    upload = SimpleUploadedFile(sample.filename, sample.content(), content_type="application/pdf")

    response = client.post(notice_url(publicity), {**form_data(entry), "evidence": upload}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["evidence"])
    assert sample.filename in message and sample.reason in message
    assert Objection.objects.count() == 0
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


# --- Choosing the person on a notice read a page at a time (issue 13) ---------------------------------


def test_the_object_link_names_the_person_in_the_form(client):
    world = World()
    publicity, _applications = publish(world, count=2)
    second = publicity.entries.get(position=2)

    page = client.get(notice_url(publicity), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"entry={second.pk}#objection" in page
    assert "click “Object” on their line" in page  # no one chosen yet: the form says how to choose

    chosen = client.get(f"{notice_url(publicity)}?entry={second.pk}", HTTP_ACCEPT_LANGUAGE="en")
    html = chosen.content.decode()
    assert f"No. 2 {second.name}" in html
    assert f'name="entry" value="{second.pk}"' in html


@pytest.mark.parametrize("value", ["", "abc", "0", "99999999999999999999"])
def test_an_object_link_to_no_line_of_the_notice_chooses_no_one(client, running, value):
    _world, publicity, _entry, _application = running

    response = client.get(f"{notice_url(publicity)}?entry={value}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["chosen"] is None


def test_a_line_of_another_notice_is_refused_with_how_to_choose(client, running):
    _world, publicity, _entry, _application = running
    other, _apps = publish(World())
    foreign = other.entries.get()

    response = client.get(f"{notice_url(publicity)}?entry={foreign.pk}")
    assert response.context["chosen"] is None
    response = client.post(notice_url(publicity), form_data(foreign), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert not Objection.objects.exists()
    assert "此人不在本公示中" in response.content.decode()


def test_a_post_without_a_person_says_how_to_choose_and_keeps_what_was_written(client, running):
    _world, publicity, _entry, _application = running

    response = client.post(notice_url(publicity), form_data(_entry, entry=""), HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert response.status_code == 200
    assert not Objection.objects.exists()
    assert 'data-testid="entry-error"' in html and "提出异议" in html
    assert "其申报的专利并非本人完成。" in html


def test_objection_list_keyset_pages_keep_the_tab_and_the_order(
    client_for, django_assert_num_queries, running, monkeypatch
):
    world, _publicity, entry, _application = running
    monkeypatch.setattr(ObjectionListView, "page_size", 2)
    rows = [objection(entry, ip=f"192.0.2.{n}") for n in range(1, 6)]
    today = timezone.localdate()
    # Deadlines out of the order received, two sharing one: the open tab goes by deadline, then receipt.
    for row, days in zip(rows, [9, 3, 9, 1, 3], strict=True):
        Objection.objects.filter(pk=row.pk).update(deadline=today + datetime.timedelta(days=days))
    services.objection_dismiss(objection=rows[1], actor=world.city, conclusion="不成立。")
    staff = client_for(world.city)
    url = reverse("results:publicity_objections")

    def walk(show):
        pages = walk_keyset_pages(staff, url, {"show": show}, query=f"show={show}")
        return [[row.pk for row in page.context["rows"]] for page in pages]

    open_rows = [rows[3], rows[4], rows[0], rows[2]]  # deadlines 1, 3, 9, 9 (the two 9s by receipt)
    assert walk("open") == [[row.pk for row in open_rows[:2]], [row.pk for row in open_rows[2:]]]
    assert walk("all") == [[rows[4].pk, rows[3].pk], [rows[2].pk, rows[1].pk], [rows[0].pk]]
    assert walk("settled") == [[rows[1].pk]]

    # A page after a cursor costs what the first page does: 9 queries (see the pin above).
    last = staff.get(url, {"show": "all", "after": f"{rows[2].received_at.isoformat()}~{rows[2].pk}"})
    assert [row.pk for row in last.context["rows"]] == [rows[1].pk, rows[0].pk]
    with django_assert_num_queries(9):
        staff.get(url, {"show": "all", "after": last.context["page"].previous_cursor})
    broken = staff.get(url, {"show": "all", "after": "nonsense"})
    assert [row.pk for row in broken.context["rows"]] == [rows[4].pk, rows[3].pk]  # said, and page 1 shown
