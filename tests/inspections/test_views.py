"""The inspection pages: what they show and change, the public re-run, no personal data in public,
the object checks, refused POSTs writing nothing, and query counts pinned at 1 and 3 rows."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections import views as inspection_views
from inspections.models import Finding, Inspection, InspectionPlan, Rectification
from inspections.services.fieldwork import findings_record, inspection_conclude
from inspections.services.plans import plan_publish
from tests.applications.hostile_files import pdf
from tests.authorization import rows_inspections, test_object_checks
from tests.authorization.test_matrix import _post
from tests.helpers import assert_constant_queries, walk_keyset_pages
from tests.inspections.factories import CHECKLIST, InspectionWorld
from zaozhuang_titles.permissions import ObjectPermissionMixin

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {"inspections:public_plan", "inspections:public_results"}


def login(client, user):
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def plain(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def text(response):
    return response.content.decode()


def test_every_object_page_of_inspections_checks_its_object(monkeypatch):
    # The suite's own check (tests/authorization/test_object_checks.py) looks at the five older apps.
    monkeypatch.setattr(test_object_checks, "OUR_PACKAGES", ("inspections",))
    found = dict(test_object_checks.object_patterns())
    assert len(found) == 13
    for name, view in found.items():
        if name in PUBLIC_PAGES:
            continue
        assert issubclass(view, ObjectPermissionMixin), name
        assert view.load_object is not ObjectPermissionMixin.load_object, name
        assert view.permission_required and view.role_required is not None, name


REFUSED_ROWS = [row for row in rows_inspections.ROWS if row.redirect_refuses or row.kwargs]


@pytest.mark.parametrize("row", REFUSED_ROWS, ids=[row.name for row in REFUSED_ROWS])
def test_refused_posts_leave_the_inspection_tables_as_they_were(row, role_users, client_for):
    # The snapshot (``tests.helpers.OUR_APPS``) covers this app's tables with every other app's.
    ctx = {"users": role_users}
    row.setup(ctx)
    url = reverse(row.name, kwargs=row.kwargs(ctx) if row.kwargs else None)
    for role, expected in row.post.items():
        _post(client_for(role_users[role]), url, row, expected, f"POST {url} as {role}", anonymous=role == "anonymous")


def test_staff_plan_announce_and_draw_through_the_pages(client):
    w = InspectionWorld(enterprises=5, staff=2, experts=2, count=2)
    login(client, w.city)
    data = {
        "name": "页面抽查",
        "divisions": [w.division.pk],
        "key_filter": "any",
        "sample_ratio": "40",
        "team_size": "2",
        "rectification_days": "10",
        "staff": [u.pk for u in w.staff],
        "experts": [e.pk for e in w.experts],
        "items": "花名册\n\n继续教育\n",
    }
    response = client.post(reverse("inspections:plan_create"), data)
    plan = InspectionPlan.objects.get(name="页面抽查")
    assert response.url == reverse("inspections:plan", args=[plan.pk])
    assert list(plan.items.values_list("text", flat=True)) == ["花名册", "继续教育"]
    assert plan.pool.count() == 4

    client.post(reverse("inspections:plan_announce", args=[plan.pk]))
    plan.refresh_from_db()
    page = text(client.get(reverse("inspections:plan", args=[plan.pk])))
    assert plan.seed_sha256 in page
    assert plan.seed not in page  # secret until the draw

    client.post(reverse("inspections:plan_draw", args=[plan.pk]))
    page = text(client.get(reverse("inspections:plan", args=[plan.pk])))
    assert plan.seed in page
    assert 'data-testid="verify-ok"' in page
    assert page.count('data-testid="inspection-row"') == 2  # 40% of 5, rounded up

    response = client.post(reverse("inspections:plan_draw", args=[plan.pk]), follow=True)
    assert "不得重新抽取" in text(response)
    assert Inspection.objects.filter(plan=plan).count() == 2


def test_plan_form_says_what_is_wrong(client):
    w = InspectionWorld()
    login(client, w.city)
    response = client.post(
        reverse("inspections:plan_create"),
        {
            "name": "x",
            "key_filter": "any",
            "sample_ratio": "10",
            "sample_count": "3",
            "team_size": "2",
            "rectification_days": "10",
            "items": "a",
        },
    )
    assert response.status_code == 200
    assert "请填写抽查比例或抽查企业数" in text(response)
    assert not InspectionPlan.objects.filter(name="x").exists()


def test_public_plan_shows_the_hash_only_until_the_draw(client):
    w = InspectionWorld(count=2)
    plan = w.announce()
    page = text(client.get(reverse("inspections:public_plan", args=[plan.pk])))
    assert plan.seed_sha256 in page and plan.seed not in page
    assert 'data-testid="seed-secret"' in page
    assert client.get(reverse("inspections:public_plan", args=[InspectionWorld(count=1).plan.pk])).status_code == 404


def test_public_rerun_with_the_revealed_seed_matches_and_another_does_not(client):
    w = InspectionWorld(enterprises=8, count=3)
    plan = w.draw()
    url = reverse("inspections:public_plan", args=[plan.pk])

    same = text(client.get(url, {"seed": plan.seed}))
    assert 'data-testid="hash-ok"' in same and 'data-testid="rerun-same"' in same
    drawn = re.findall(r'data-testid="drawn-row">(.*?)</li>', same)
    rerun = re.findall(r'data-testid="rerun-row">(.*?)</li>', same)
    assert len(drawn) == 3
    assert [plain(row) for row in rerun] == [plain(row) for row in drawn]

    other = text(client.get(url, {"seed": "f" * 64}))
    assert 'data-testid="hash-differs"' in other and 'data-testid="rerun-differs"' in other

    bad = client.get(url, {"seed": "种子"})
    assert bad.status_code == 200
    assert "随机种子应为64位" in text(bad)


def test_public_pages_show_no_personal_data(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = InspectionWorld(enterprises=3, count=2)
    plan = w.draw()
    contacts = [w.contact_of(inspection.enterprise) for inspection in plan.inspections.all()]
    for inspection in plan.inspections.all():
        results = {item.pk: (Finding.Result.PROBLEM, "张三的继续教育学时不足") for item in plan.items.all()}
        findings_record(inspection=inspection, actor=w.city, results=results)
        inspection_conclude(inspection=inspection, actor=w.city, requirement="请李四补齐")
    plan = plan_publish(plan=plan, actor=w.city)

    pages = [
        text(client.get(reverse("inspections:public_results", args=[plan.pk]))),
        text(client.get(reverse("inspections:public_plan", args=[plan.pk]), {"seed": plan.seed})),
        text(client.get(reverse("inspections:public_index"))),
    ]
    people = [w.city, *w.staff, *(e.user for e in w.experts), *contacts]
    for page in pages:
        for person in people:
            assert person.real_name not in page
            assert person.mobile not in page
            assert person.username not in page
        for enterprise in w.enterprises:
            assert enterprise.legal_representative not in page
            assert enterprise.chairman_name not in page
        assert "张三" not in page and "李四" not in page
    results = pages[0]
    assert results.count('data-testid="result-row"') == 2
    assert results.count('data-outcome="rectifying"') == 2


def test_public_results_are_404_until_published(client):
    w = InspectionWorld(count=1)
    plan = w.draw()
    assert client.get(reverse("inspections:public_results", args=[plan.pk])).status_code == 404


def test_contact_replies_and_inspector_accepts_through_the_pages(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = InspectionWorld(enterprises=2, count=1)
    plan = w.draw()
    inspection = plan.inspections.get()
    contact = w.contact_of(inspection.enterprise)
    inspector = inspection.team.first().member.user
    login(client, inspector)
    data = {}
    for number, item in enumerate(plan.items.all()):
        data[f"result_{item.pk}"] = "problem" if number == 0 else "compliant"
        data[f"note_{item.pk}"] = "花名册未更新" if number == 0 else ""
    client.post(reverse("inspections:findings", args=[inspection.pk]), data)
    client.post(reverse("inspections:conclude", args=[inspection.pk]), {"requirement": "更新花名册"})
    inspection.refresh_from_db()
    assert inspection.outcome == Inspection.Outcome.RECTIFYING

    login(client, contact)
    page = text(client.get(reverse("inspections:inspection", args=[inspection.pk])))
    assert "更新花名册" in page and 'data-testid="reply-link"' in page
    evidence = SimpleUploadedFile("花名册.pdf", pdf(), content_type="application/pdf")
    client.post(reverse("inspections:reply", args=[inspection.pk]), {"reply": "已更新", "evidence": evidence})
    rectification = Rectification.objects.get(inspection=inspection)
    assert rectification.status == Rectification.Status.REPLIED
    stored = rectification.files.get()
    download = client.get(reverse("inspections:file", args=[stored.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"

    login(client, inspector)
    client.post(reverse("inspections:review", args=[inspection.pk]), {"decision": "accept", "note": ""})
    inspection.refresh_from_db()
    assert inspection.outcome == Inspection.Outcome.RECTIFIED


# --- Query counts: the same at 1 row and at 3 ------------------------------------------------------


def test_plan_list_constant_queries(client, django_assert_num_queries):
    w = InspectionWorld(count=1)
    login(client, w.city)

    def add():
        w.create_plan(name=f"计划{InspectionPlan.objects.count()}")

    assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("inspections:plans")), add, expected=8
    )
    assert text(client.get(reverse("inspections:plans"))).count('data-testid="plan-row"') == 4  # the world's and three


def _drawn_world(size):
    w = InspectionWorld(enterprises=6, staff=2, experts=2, count=size)
    w.draw()
    return w


@pytest.mark.parametrize("size", [1, 3])
def test_plan_detail_queries_do_not_grow_with_the_draw(client, django_assert_num_queries, size):
    w = _drawn_world(size)
    login(client, w.city)
    url = reverse("inspections:plan", args=[w.plan.pk])
    client.get(url)
    with django_assert_num_queries(19):
        response = client.get(url)
    assert text(response).count('data-testid="inspection-row"') == size


@pytest.mark.parametrize("size", [1, 3])
def test_public_plan_queries_do_not_grow_with_the_draw(client, django_assert_num_queries, size):
    w = _drawn_world(size)
    url = reverse("inspections:public_plan", args=[w.plan.pk])
    client.get(url)
    # 14 when the whole population was read (its names served the draw's rows); now a page of it, and the
    # names of the drawn and re-run enterprises in one more query.
    with django_assert_num_queries(15):
        response = client.get(url, {"seed": w.plan.seed})
    assert text(response).count('data-testid="rerun-row"') == size


@pytest.mark.parametrize("size", [1, 3])
def test_public_results_queries_do_not_grow(client, django_assert_num_queries, size):
    w = _drawn_world(size)
    for inspection in w.plan.inspections.all():
        findings_record(
            inspection=inspection,
            actor=w.city,
            results={item.pk: (Finding.Result.COMPLIANT, "") for item in w.plan.items.all()},
        )
        inspection_conclude(inspection=inspection, actor=w.city)
    plan_publish(plan=w.plan, actor=w.city)
    url = reverse("inspections:public_results", args=[w.plan.pk])
    client.get(url)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert text(response).count('data-testid="result-row"') == size


def test_public_index_constant_queries(client, django_assert_num_queries):
    w = InspectionWorld(enterprises=2, count=1)

    def add():
        plan = w.create_plan(name=f"公开计划{InspectionPlan.objects.count()}", sample_count=1)
        from inspections.services.plans import plan_announce

        plan_announce(plan=plan, actor=w.city)

    assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("inspections:public_index")), add, expected=1
    )


@pytest.mark.parametrize("items", [1, 3])
def test_inspection_page_queries_do_not_grow_with_the_checklist(
    client, django_assert_num_queries, items, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    w = InspectionWorld(enterprises=2, count=1)
    w.plan = w.create_plan(name="清单", items=CHECKLIST[:items])
    w.draw()
    inspection = w.plan.inspections.get()
    findings_record(
        inspection=inspection,
        actor=w.city,
        results={item.pk: (Finding.Result.PROBLEM, "问题") for item in w.plan.items.all()},
    )
    inspection_conclude(inspection=inspection, actor=w.city, requirement="整改")
    contact = w.contact_of(inspection.enterprise)
    login(client, contact)
    url = reverse("inspections:inspection", args=[inspection.pk])
    client.get(url)
    with django_assert_num_queries(14):
        response = client.get(url)
    assert text(response).count('data-testid="finding-row"') == items


def test_my_inspections_constant_queries(client, django_assert_num_queries):
    w = InspectionWorld(enterprises=6, staff=1, experts=1, count=1, team_size=2)
    inspector = w.staff[0]
    login(client, inspector)
    made = []

    def add():
        plan = w.create_plan(name=f"我的{len(made)}", sample_count=1)
        from inspections.services.draw import plan_draw
        from inspections.services.plans import plan_announce

        plan_draw(plan=plan_announce(plan=plan, actor=w.city), actor=w.city)
        made.append(plan)

    assert_constant_queries(django_assert_num_queries, lambda: client.get(reverse("inspections:mine")), add, expected=8)
    assert text(client.get(reverse("inspections:mine"))).count('data-testid="inspection-row"') == 3


def test_pages_read_in_chinese_without_english_words(client, settings, tmp_path):
    """What the demo crawl checks, on these pages (no menu leads city staff's crawl to them yet)."""
    from tests.test_demo_crawl import _Page, english_words

    settings.MEDIA_ROOT = tmp_path
    w = InspectionWorld(enterprises=4, count=2)
    plan = w.draw()
    inspection = plan.inspections.first()
    findings_record(
        inspection=inspection,
        actor=w.city,
        results={item.pk: (Finding.Result.PROBLEM, "问题") for item in plan.items.all()},
    )
    inspection_conclude(inspection=inspection, actor=w.city, requirement="整改")
    urls = [
        reverse("inspections:public_index"),
        reverse("inspections:public_plan", args=[plan.pk]) + f"?seed={plan.seed}",
        reverse("inspections:plans"),
        reverse("inspections:plan_create"),
        reverse("inspections:plan", args=[plan.pk]),
        reverse("inspections:inspection", args=[inspection.pk]),
        reverse("inspections:findings", args=[plan.inspections.last().pk]),
        reverse("inspections:mine"),
    ]
    login(client, w.city)
    for url in urls:
        page = _Page()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        page.feed(response.content.decode())
        assert english_words(" ".join(page.text)) == [], url


def test_plan_page_and_public_results_page_the_drawn_enterprises_in_the_order_drawn(
    client, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(inspection_views, "PAGE_SIZE", 2)
    w = _drawn_world(5)
    drawn = list(w.plan.inspections.order_by("position").values_list("pk", flat=True))
    login(client, w.city)
    url = reverse("inspections:plan", args=[w.plan.pk])

    pages = walk_keyset_pages(client, url)

    assert [[row.pk for row in page.context["inspections"]] for page in pages] == [drawn[:2], drawn[2:4], drawn[4:]]
    with django_assert_num_queries(19):  # as the first page (see test_plan_detail_queries_do_not_grow_with_the_draw)
        client.get(url, {"after": pages[0].context["page"].next_cursor})

    for inspection in w.plan.inspections.all():
        findings_record(
            inspection=inspection,
            actor=w.city,
            results={item.pk: (Finding.Result.COMPLIANT, "") for item in w.plan.items.all()},
        )
        inspection_conclude(inspection=inspection, actor=w.city)
    plan_publish(plan=w.plan, actor=w.city)
    client.logout()
    results = walk_keyset_pages(client, reverse("inspections:public_results", args=[w.plan.pk]))
    assert [[row["position"] for row in page.context["rows"]] for page in results] == [[1, 2], [3, 4], [5]]


def test_public_plan_pages_the_population_and_keeps_the_re_run(client, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(inspection_views, "POPULATION_PAGE_SIZE", 2)
    w = _drawn_world(3)
    population = sorted(w.plan.population.values_list("enterprise_id", flat=True))
    url = reverse("inspections:public_plan", args=[w.plan.pk])

    pages = walk_keyset_pages(client, url)
    assert [[member.enterprise_id for member in page.context["population"]] for page in pages] == [
        population[i : i + 2] for i in range(0, len(population), 2)
    ]
    assert f"Population: {len(population)} enterprises" in text(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    # A page link is not a re-run: the form stays unbound, without an error.
    later = pages[1]
    assert not later.context["form"].is_bound and later.context["rerun"] is None
    assert len(later.context["drawn_rows"]) == 3 and all(name for _pk, name, _team in later.context["drawn_rows"])

    with_seed = walk_keyset_pages(client, url, {"seed": w.plan.seed}, query=f"seed={w.plan.seed}")
    assert all(page.context["rerun"]["same_draw"] for page in with_seed)
    assert len(with_seed) == len(pages)
    with django_assert_num_queries(15):  # as the first page (see test_public_plan_queries_do_not_grow_with_the_draw)
        client.get(url, {"seed": w.plan.seed, "after": pages[0].context["page"].next_cursor})
