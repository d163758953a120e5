"""Matrix rows of the inspections app.

The matrix's objects: a plan drawn over one enterprise of the matrix division, whose contact is the
matrix contact, inspected by the matrix district staff and expert (the whole pool, drawn as the team).
Its findings are recorded with a photo and it is concluded with a rectification; ``replied`` adds the
enterprise's reply, ``published`` a second plan whose results are public. Outsiders (another enterprise's
contact, another division's district staff, an expert on no team) get 404 on every inspection page.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import Finding, InspectionFile
from inspections.services.draw import plan_draw
from inspections.services.fieldwork import finding_file_add, findings_record, inspection_conclude
from inspections.services.plans import plan_announce, plan_create, plan_publish
from tests.applications.hostile_files import image
from tests.authorization.matrix import PUBLIC, REDIRECT, Row, hidden, outcome, same_for_all
from tests.enterprises.factories import ContactFactory, EnterpriseFactory
from tests.factories import UserFactory
from tests.reviews.factories import ExpertFactory
from zaozhuang_titles.models import Role

CITY = [Role.CITY_STAFF, Role.ADMINISTRATOR]
INSPECTORS = [*CITY, Role.DISTRICT_STAFF, Role.EXPERT]
READERS = [*INSPECTORS, Role.ENTERPRISE_CONTACT]
#: The roles of the inspection pages (others are refused before anything is looked up).
INSPECTION_ROLES = READERS
#: Outsiders of the inspection pages: refused by the scope (404), whatever the method.
OUTSIDERS = (Role.DISTRICT_STAFF, Role.EXPERT, Role.ENTERPRISE_CONTACT)


def drawn_inspection(ctx, *, problem=True):
    users = ctx["users"]
    city = users[Role.CITY_STAFF.value]
    division = users[Role.DISTRICT_STAFF.value].district
    enterprise = EnterpriseFactory(division=division)
    ContactFactory(enterprise=enterprise, user=users[Role.ENTERPRISE_CONTACT.value])
    expert = ExpertFactory(user=users[Role.EXPERT.value])
    plan = plan_create(
        actor=city,
        name="矩阵抽查",
        divisions=[division],
        sample_count=1,
        team_size=2,
        staff=[users[Role.DISTRICT_STAFF.value]],
        experts=[expert],
        items=["花名册", "继续教育"],
    )
    plan = plan_announce(plan=plan, actor=city)
    plan = plan_draw(plan=plan, actor=city)
    inspection = plan.inspections.get()
    assert inspection.enterprise_id == enterprise.pk
    items = list(plan.items.all())
    results = {item.pk: (Finding.Result.PROBLEM if problem else Finding.Result.COMPLIANT, "缺台账") for item in items}
    findings_record(inspection=inspection, actor=city, results=results)
    finding_file_add(
        inspection=inspection, item=items[0], uploaded_file=SimpleUploadedFile("现场.png", image()), actor=city
    )
    inspection_conclude(inspection=inspection, actor=city, requirement="补齐台账" if problem else "")
    ctx.update(plan=plan, inspection=inspection, file=InspectionFile.objects.get(inspection=inspection))


def published_plan(ctx):
    drawn_inspection(ctx, problem=False)
    ctx["plan"] = plan_publish(plan=ctx["plan"], actor=ctx["users"][Role.CITY_STAFF.value])


def announced_plan(ctx):
    users = ctx["users"]
    division = users[Role.DISTRICT_STAFF.value].district
    EnterpriseFactory(division=division)
    plan = plan_create(
        actor=users[Role.CITY_STAFF.value],
        name="矩阵抽查(待抽取)",
        divisions=[division],
        sample_count=1,
        team_size=1,
        staff=[UserFactory(roles=[Role.CITY_STAFF])],
        items=["花名册"],
    )
    ctx["plan"] = plan_announce(plan=plan, actor=users[Role.CITY_STAFF.value])


def plan_pk(ctx):
    return {"pk": ctx["plan"].pk}


def inspection_pk(ctx):
    return {"pk": ctx["inspection"].pk}


def file_pk(ctx):
    return {"pk": ctx["file"].pk}


def on_inspection(name, *, get, post, data=None, redirect_refuses=False, outsiders_get=404, outsiders_post=404):
    return Row(
        name,
        get=get,
        post=post,
        setup=drawn_inspection,
        kwargs=inspection_pk,
        data=data or {},
        outsiders=hidden(*OUTSIDERS, get=outsiders_get, post=outsiders_post),
        redirect_refuses=redirect_refuses,
    )


ROWS = [
    # The public pages: no login.
    Row("inspections:public_index", anonymous_cache=PUBLIC, get=same_for_all(200), post=same_for_all(405)),
    Row(
        "inspections:public_plan",
        anonymous_cache=PUBLIC,
        get=same_for_all(200),
        post=same_for_all(405),
        setup=drawn_inspection,
        kwargs=plan_pk,
    ),
    Row(
        "inspections:public_results",
        anonymous_cache=PUBLIC,
        get=same_for_all(200),
        post=same_for_all(405),
        setup=published_plan,
        kwargs=plan_pk,
    ),
    # City staff's plans.
    Row("inspections:plans", get=outcome(allowed=CITY), post=outcome(allowed=CITY, ok=405)),
    # An empty POST re-renders the form with its errors.
    Row("inspections:plan_create", get=outcome(allowed=CITY), post=outcome(allowed=CITY)),
    Row(
        "inspections:plan",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=405),
        setup=drawn_inspection,
        kwargs=plan_pk,
    ),
    # Publishing the hash of a plan drawn already: refused, back to the plan, nothing written.
    Row(
        "inspections:plan_announce",
        get=outcome(allowed=CITY, ok=405),
        post=outcome(allowed=CITY, ok=REDIRECT),
        setup=drawn_inspection,
        kwargs=plan_pk,
        redirect_refuses=True,
    ),
    # Drawing a plan drawn already: refused (a draw is made once).
    Row(
        "inspections:plan_draw",
        get=outcome(allowed=CITY, ok=405),
        post=outcome(allowed=CITY, ok=REDIRECT),
        setup=drawn_inspection,
        kwargs=plan_pk,
        redirect_refuses=True,
    ),
    # Publishing the results of a plan whose hash is published but not drawn: refused.
    Row(
        "inspections:plan_publish",
        get=outcome(allowed=CITY, ok=405),
        post=outcome(allowed=CITY, ok=REDIRECT),
        setup=announced_plan,
        kwargs=plan_pk,
        redirect_refuses=True,
    ),
    Row(
        "inspections:mine",
        get=outcome(allowed=INSPECTION_ROLES),
        post=outcome(allowed=INSPECTION_ROLES, ok=405),
    ),
    on_inspection(
        "inspections:inspection",
        get=outcome(allowed=READERS),
        post=outcome(allowed=READERS, ok=405),
        outsiders_post=405,
    ),
    # The inspection is concluded: an empty POST shows the form's error; the contact may not record.
    on_inspection(
        "inspections:findings",
        get={**outcome(allowed=INSPECTORS), Role.ENTERPRISE_CONTACT.value: 403},
        post={**outcome(allowed=INSPECTORS), Role.ENTERPRISE_CONTACT.value: 403},
    ),
    on_inspection(
        "inspections:finding_file_add",
        get={**outcome(allowed=INSPECTORS, ok=405), Role.ENTERPRISE_CONTACT.value: 405},
        post={**outcome(allowed=INSPECTORS, ok=REDIRECT), Role.ENTERPRISE_CONTACT.value: 403},
        redirect_refuses=True,
        outsiders_get=405,
    ),
    on_inspection(
        "inspections:conclude",
        get={**outcome(allowed=INSPECTORS, ok=405), Role.ENTERPRISE_CONTACT.value: 405},
        post={**outcome(allowed=INSPECTORS, ok=REDIRECT), Role.ENTERPRISE_CONTACT.value: 403},
        redirect_refuses=True,
        outsiders_get=405,
    ),
    # Only the inspected enterprise's contact replies; an empty POST shows the form's errors.
    on_inspection(
        "inspections:reply",
        get={**outcome(allowed=[Role.ENTERPRISE_CONTACT]), **dict.fromkeys([r.value for r in INSPECTORS], 403)},
        post={**outcome(allowed=[Role.ENTERPRISE_CONTACT]), **dict.fromkeys([r.value for r in INSPECTORS], 403)},
    ),
    # No reply to review yet: refused, back to the inspection.
    on_inspection(
        "inspections:review",
        get={**outcome(allowed=INSPECTORS, ok=405), Role.ENTERPRISE_CONTACT.value: 405},
        post={**outcome(allowed=INSPECTORS, ok=REDIRECT), Role.ENTERPRISE_CONTACT.value: 403},
        redirect_refuses=True,
        outsiders_get=405,
    ),
    Row(
        "inspections:file",
        get=outcome(allowed=READERS),
        post=outcome(allowed=READERS, ok=405),
        setup=drawn_inspection,
        kwargs=file_pk,
        outsiders=hidden(*OUTSIDERS, post=405),
    ),
]
