"""Pages of hours: the person's years against the requirement, entering and withdrawing, the staff's
list scoped to their division, recognition, the import; each list costs the same queries at 1 row as
at many."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.applications.factories import ProfileFactory, tiny_pdf
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import DivisionFactory, UserFactory
from tests.training.factories import EntryFactory, TrainingImportFactory, recognised_hours
from training import excel
from training.models import Category, EntryStatus, Source, TrainingEntry, TrainingImport
from zaozhuang_titles.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def tengzhou():
    return DivisionFactory(code="370481")


@pytest.fixture
def person(tengzhou):
    return ProfileFactory(enterprise=EnterpriseFactory(division=tengzhou)).user


@pytest.fixture
def district(tengzhou):
    return UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=tengzhou)


@pytest.fixture
def city():
    return UserFactory(roles=[Role.CITY_STAFF])


def client_of(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def stored_entry(person, **kwargs):
    name = default_storage.save("training/test/certificate.pdf", ContentFile(tiny_pdf("hours")))
    return EntryFactory(person=person, certificate_storage_name=name, **kwargs)


# --- The person ------------------------------------------------------------------------------------


def test_my_hours_shows_each_year_against_the_requirement(person):
    from django.utils import timezone

    year = timezone.localdate().year - 1
    recognised_hours(person, year, specialty=60, public=30)
    recognised_hours(person, year - 1, specialty=50, public=40)
    EntryFactory(person=person, year=year - 2, hours=40, status=EntryStatus.REFUSED, reason="证明不清晰")
    page = client_of(person).get(reverse("training:my_hours")).content.decode()
    rows = {}
    for y in (year, year - 1, year - 2):
        start = page.index(f'data-year="{y}"')
        rows[y] = page[start : page.index("</tr>", start)]
    assert "符合" in rows[year] and "不符合" not in rows[year]
    assert "不符合" in rows[year - 1] and "专业科目尚缺10学时" in rows[year - 1]
    assert "不符合" in rows[year - 2]
    assert "证明不清晰" in page  # the reason of a refusal is shown to the person


def test_applicant_home_and_menu_link_to_the_hours(person):
    client = client_of(person)
    home = client.get(reverse("applications:applicant_home")).content.decode()
    assert 'data-testid="training-link"' in home
    assert home.count(reverse("training:my_hours")) >= 2  # the home's button and the menu


def test_entry_add_with_certificate_then_withdraw(person):
    client = client_of(person)
    certificate = SimpleUploadedFile("学时证明.pdf", tiny_pdf("hours"), content_type="application/pdf")
    response = client.post(
        reverse("training:entry_add"),
        {"year": 2024, "category": "specialty", "hours": 16, "course": "学会年会", "certificate": certificate},
    )
    assert response.status_code == 302
    entry = TrainingEntry.objects.get(person=person)
    assert (entry.hours, entry.source, entry.status) == (16, Source.CERTIFICATE, EntryStatus.PENDING)
    response = client.post(reverse("training:entry_withdraw", args=[entry.pk]))
    assert response.status_code == 302
    assert not TrainingEntry.objects.exists()


def test_entry_add_refuses_a_disguised_file_with_a_clear_message(person):
    fake = SimpleUploadedFile("证明.pdf", b"<html><script>alert(1)</script></html>")
    response = client_of(person).post(
        reverse("training:entry_add"),
        {"year": 2024, "category": "specialty", "hours": 16, "course": "学会年会", "certificate": fake},
    )
    assert response.status_code == 200
    assert "证明.pdf" in str(response.context["form"].errors)
    assert not TrainingEntry.objects.exists()


def test_entry_add_refuses_a_future_year(person):
    response = client_of(person).post(
        reverse("training:entry_add"), {"year": 2999, "category": "public", "hours": 10, "course": "x"}
    )
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert not TrainingEntry.objects.exists()


def test_certificate_download_is_logged(person, district):
    entry = stored_entry(person)
    response = client_of(district).get(reverse("training:certificate", args=[entry.pk]) + "?inline=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_DOWNLOADED)
    assert (event.user, event.object_id) == (district, str(entry.pk))


def test_certificate_of_an_imported_entry_is_404(person):
    entry = EntryFactory(person=person, source=Source.MIGRATED, certificate_storage_name="")
    assert client_of(person).get(reverse("training:certificate", args=[entry.pk])).status_code == 404


# --- Staff -----------------------------------------------------------------------------------------


def test_district_list_holds_its_divisions_people_only(person, district):
    mine = EntryFactory(person=person, course="本区课程")
    EntryFactory(person=ProfileFactory(enterprise=EnterpriseFactory(division=DivisionFactory(code="370403"))).user)
    EntryFactory(course="无单位的人")  # no profile: city staff only
    response = client_of(district).get(reverse("training:staff_entries"))
    assert [entry.pk for entry in response.context["page"].rows] == [mine.pk]


def test_staff_list_filters(person, city):
    recognised = EntryFactory(person=person, status=EntryStatus.RECOGNISED, year=2022)
    pending = EntryFactory(person=person, year=2023, course="智能制造")
    client = client_of(city)
    assert [e.pk for e in client.get(reverse("training:staff_entries")).context["page"].rows] == [pending.pk]
    rows = client.get(reverse("training:staff_entries"), {"status": "", "year": 2022}).context["page"].rows
    assert [e.pk for e in rows] == [recognised.pk]
    rows = client.get(reverse("training:staff_entries"), {"status": "", "q": "智能"}).context["page"].rows
    assert [e.pk for e in rows] == [pending.pk]


def test_staff_recognise_and_refuse_from_the_entry_page(person, district):
    entry = stored_entry(person)
    client = client_of(district)
    url = reverse("training:entry_detail", args=[entry.pk])
    response = client.post(url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING
    response = client.post(url, {"decision": "recognise", "reason": "证书核实无误"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by, entry.reason) == (EntryStatus.RECOGNISED, district, "证书核实无误")
    page = client.get(url).content.decode()
    assert "证书核实无误" in page and 'data-testid="decisions"' in page


def test_import_page_refuses_a_bad_file_naming_each_row(person, city):
    rows = [
        {"record": "R1", "id_number": person.id_number, "name": person.real_name, "year": "2023"},
        {"record": "R2", "id_number": person.id_number, "name": person.real_name, "year": "2023"},
    ]
    for values in rows:
        values.update(category="专业科目", hours="40", course="课程")
    rows[1]["hours"] = "四十"
    upload = SimpleUploadedFile("学时.xlsx", excel.workbook_of(rows).getvalue())
    response = client_of(city).post(reverse("training:import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["problems"] == ["第 3 行：学时须为1至300之间的整数，而不是四十。"]
    assert "未导入任何数据" in response.content.decode()
    assert not TrainingEntry.objects.exists()


def test_import_page_imports_then_staff_recognise_the_whole_import(person, city):
    rows = [
        {
            "record": f"R{index}",
            "id_number": person.id_number,
            "name": person.real_name,
            "year": "2023",
            "category": category,
            "hours": hours,
            "course": "课程",
        }
        for index, (category, hours) in enumerate([("专业科目", "60"), ("公需科目", "30")])
    ]
    upload = SimpleUploadedFile("学时.xlsx", excel.workbook_of(rows).getvalue())
    client = client_of(city)
    response = client.post(reverse("training:import"), {"file": upload})
    training_import = TrainingImport.objects.get()
    assert response.status_code == 302 and f"batch={training_import.pk}" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="recognise-import"' in page
    response = client.post(reverse("training:import_recognise", args=[training_import.pk]))
    assert response.status_code == 302
    assert set(TrainingEntry.objects.values_list("status", flat=True)) == {EntryStatus.RECOGNISED}


def test_import_template_download(city):
    response = client_of(city).get(reverse("training:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.active[1]] == [title for _key, title in excel.COLUMNS]


# --- Query counts ----------------------------------------------------------------------------------


def test_my_hours_queries_do_not_grow(person, django_assert_num_queries):
    client = client_of(person)
    url = reverse("training:my_hours")
    stored_entry(person)
    client.get(url)  # warm the session
    with django_assert_num_queries(QUERIES["my_hours"]):
        client.get(url)
    for year in range(2015, 2024):
        recognised_hours(person, year, specialty=60, public=30)
        stored_entry(person, year=year)
    with django_assert_num_queries(QUERIES["my_hours"]):
        client.get(url)


def test_staff_list_queries_do_not_grow(person, district, django_assert_num_queries):
    client = client_of(district)
    url = reverse("training:staff_entries")
    EntryFactory(person=person)
    client.get(url)
    with django_assert_num_queries(QUERIES["staff_entries"]):
        client.get(url)
    for index in range(8):
        other = ProfileFactory(enterprise=EnterpriseFactory(division=district.district)).user
        EntryFactory(person=other, category=Category.PUBLIC if index % 2 else Category.SPECIALTY)
    with django_assert_num_queries(QUERIES["staff_entries"]):
        response = client.get(url)
    assert len(response.context["page"].rows) == 9


def test_entry_detail_queries_do_not_grow(person, city, django_assert_num_queries):
    client = client_of(city)
    entry = EntryFactory(person=person)
    url = reverse("training:entry_detail", args=[entry.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES["entry_detail"]):
        client.get(url)
    for reason in ("一", "二", "三"):
        flip_decision(entry, city, reason)
    for year in range(2015, 2024):
        recognised_hours(person, year, specialty=60, public=30)
    with django_assert_num_queries(QUERIES["entry_detail"]):
        client.get(url)


def flip_decision(entry, actor, reason):
    from training.services import entry_decide

    entry.refresh_from_db()
    entry_decide(entry=entry, actor=actor, recognise=entry.status != EntryStatus.RECOGNISED, reason=reason)


def test_import_page_queries_do_not_grow(person, city, django_assert_num_queries):
    client = client_of(city)
    url = reverse("training:import")
    first = TrainingImportFactory(imported_by=city)
    EntryFactory(person=person, source=Source.IMPORTED, training_import=first, platform_record="Q0")
    client.get(url)
    with django_assert_num_queries(QUERIES["import"]):
        client.get(url)
    for index in range(1, 9):
        training_import = TrainingImportFactory(imported_by=city)
        EntryFactory(
            person=person, source=Source.IMPORTED, training_import=training_import, platform_record=f"Q{index}"
        )
    with django_assert_num_queries(QUERIES["import"]):
        client.get(url)


#: The pinned query counts of the pages (on SQLite; the session, the user and its roles included).
QUERIES = {"my_hours": 9, "staff_entries": 8, "entry_detail": 10, "import": 9}
