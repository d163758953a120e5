"""Django admin: who reaches the index and each registered model's list, add and change pages."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from api.models import ApiCall, Scope
from api.models_webhooks import WebhookDelivery, WebhookEvent
from api.services import client_create
from api.webhooks import subscription_create
from applications.models import BulkRun
from applications.services import application_return
from inspections.models import InspectorDeclaration
from library.models import DocumentKind, Package, PackageItem
from results.services.certificates import certificate_issue
from results.services.filing import filing_create
from reviews.models import Committee, DrawExclusion
from surveys.models import Response, SurveyEvent
from tests.authorization.matrix import ALL_ROLES
from tests.authorization.rows_enterprises import served_enterprise
from tests.consultations.factories import ConsultationWorld
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.factories import TownFactory
from tests.helpers import database_snapshot
from tests.inspections.factories import InspectionWorld
from tests.library.factories import make_document
from tests.results.filing_factories import FilingWorld, number_filing
from tests.reviews.factories import ExpertFactory, ReviewWorld
from tests.surveys.factories import RecipientFactory
from tests.training.factories import EntryFactory, TrainingImportFactory
from zaozhuang_titles.models import AuditEvent, CalendarDay, FailedTask, IdentifierIssue, Notice, Role, SmsMessage

ADMIN_ROLES = {Role.CITY_STAFF.value, Role.ADMINISTRATOR.value}
DISTRICT = Role.DISTRICT_STAFF.value
#: What district staff work on in admin (issue 14), each list scoped to their division: applications
#: (and their bulk actions' records), batches (read only), the enterprises with their recognitions and
#: service log (read only). Every other model's page refuses them (403: they are staff, not its readers).
DISTRICT_MODELS = {
    "applications.application",
    "applications.batch",
    "applications.bulkrun",
    "enterprises.enterprise",
    "enterprises.recognition",
    "enterprises.servicelog",
    # The campaign's service side (read only): their division's 一企一策 packages, and the hours of the
    # people working in their division, which they recognise on the portal.
    "library.package",
    "training.trainingentry",
}

#: Models city staff may not even list (administrators may). Empty: city staff see every admin page.
ADMINISTRATOR_ONLY_MODELS = set()
#: Models only administrators add (the city's divisions are fixed reference data).
ADMINISTRATOR_ONLY_ADD = {"zaozhuang_titles.division"}
#: Models nobody adds by hand in admin.
NO_ADD_MODELS = {
    "zaozhuang_titles.auditevent",
    "zaozhuang_titles.smsmessage",
    "zaozhuang_titles.notice",
    "zaozhuang_titles.failedtask",
    "zaozhuang_titles.identifierissue",
    "axes.accessattempt",
    # Records of the applications' work: made by the portal's pages and the transition function only.
    "applications.application",
    "applications.transition",
    "applications.submission",
    "applications.nomination",
    "applications.internalnotice",
    "applications.correctionrequest",
    "applications.bulkrun",
    "results.publicity",
    "results.objection",
    "results.filing",
    "results.certificate",
    "axes.accesslog",
    "axes.accessfailurelog",
    # The record of the API's calls: written by the API alone.
    "api.apicall",
    # Reviews: meetings are planned on the staff pages (so the draw's seed is prepared); the panel, the
    # experts left out of the draw and the cases are the draw's own records.
    "reviews.meeting",
    "reviews.panelmember",
    "reviews.drawexclusion",
    "reviews.case",
    # The campaign's service side: made on the portal's pages through each app's services (the version
    # lock, the selection, file checks, the draw, the decision log), read in admin.
    "surveys.questionnaire",
    "surveys.dispatch",
    "surveys.response",
    "surveys.surveyevent",
    "library.document",
    "library.package",
    "training.trainingentry",
    "training.trainingimport",
    "inspections.inspectionplan",
    "inspections.inspection",
    # Webhook deliveries are written by the events they report (and replays, from a delivery's page).
    "api.webhookdelivery",
    # Consultations: asked, answered, followed and published on the portal's pages; admin reads them.
    "consultations.consultation",
    "consultations.problem",
    "consultations.faqentry",
    "consultations.consultationevent",
}

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


def expected_for(role, model_label):
    if role == DISTRICT:
        return 200 if model_label in DISTRICT_MODELS else 403
    if role == "anonymous" or role not in ADMIN_ROLES:
        return "login"
    if role == Role.CITY_STAFF.value and model_label in ADMINISTRATOR_ONLY_MODELS:
        return 403
    return 200


def _assert(response, expected, label):
    if expected == "login":
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("admin:login")), label
    else:
        assert response.status_code == expected, label


def test_admin_model_lists_name_registered_models():
    """A label left behind when a model moves (as publicity, objections, filing and certificates moved
    from ``applications`` to ``results``) would exempt nothing and hide that the new label is missing."""
    registered = {model._meta.label_lower for model in MODELS}
    for name, labels in [
        ("ADMINISTRATOR_ONLY_MODELS", ADMINISTRATOR_ONLY_MODELS),
        ("ADMINISTRATOR_ONLY_ADD", ADMINISTRATOR_ONLY_ADD),
        ("NO_ADD_MODELS", NO_ADD_MODELS),
        ("OBJECTS_NOT_BUILT", OBJECTS_NOT_BUILT),
        ("DISTRICT_MODELS", DISTRICT_MODELS),
    ]:
        assert labels - registered == set(), f"{name} names models that admin does not register"


def test_admin_index_by_role(role_users, client_for):
    for role in ALL_ROLES:
        response = client_for(role_users[role]).get(reverse("admin:index"))
        _assert(response, 200 if role in ADMIN_ROLES | {DISTRICT} else "login", f"admin index as {role}")


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label_lower for m in MODELS])
def test_admin_changelist_by_role(model, role_users, client_for):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    for role in ALL_ROLES:
        response = client_for(role_users[role]).get(url)
        _assert(response, expected_for(role, opts.label_lower), f"GET {url} as {role}")


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label_lower for m in MODELS])
def test_admin_add_page_by_role(model, role_users, client_for):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    for role in ALL_ROLES:
        expected = expected_for(role, opts.label_lower)
        if expected == 200 and (opts.label_lower in NO_ADD_MODELS or role == DISTRICT):
            expected = 403
        if role == Role.CITY_STAFF.value and opts.label_lower in ADMINISTRATOR_ONLY_ADD:
            expected = 403
        response = client_for(role_users[role]).get(url)
        _assert(response, expected, f"GET {url} as {role}")


def test_admin_never_deletes(role_users, client_for):
    """Nothing is ever deleted: even the administrator has no delete page."""
    client = client_for(role_users[Role.ADMINISTRATOR.value])
    user = role_users[Role.APPLICANT.value]
    response = client.get(reverse("admin:zaozhuang_titles_user_delete", args=[user.pk]))
    assert response.status_code == 403
    assert type(user).objects.filter(pk=user.pk).exists()


#: Admin models of which the world below builds no object: axes' records are django-axes' own.
OBJECTS_NOT_BUILT = {
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
}


def admin_world(role_users):
    """At least one object of every admin model but ``OBJECTS_NOT_BUILT``: a meeting scoring an
    accepted application (with its batch, enterprise, nomination, notices and transitions), a batch
    through publicity to filing with a certificate issued and an objection received after the filing,
    an enterprise served by a commissioner, and the reference data city staff keep."""
    review = ReviewWorld(cases=1, panel_size=3)
    Committee.objects.create(
        batch=review.batch, name="矩阵委员会", kind=Committee.Kind.SPECIALTY, size_override_reason="测试"
    )
    DrawExclusion.objects.create(meeting=review.meeting, expert=ExpertFactory(), reason=DrawExclusion.Reason.CONFLICT)
    application_return(
        application=review.world.at_district(),
        actor=review.world.district,
        reason="矩阵",
        items=[("field:summary", "摘要", "请写明成果转化效益")],
    )
    results = FilingWorld(count=2)
    number_filing(filing_create(batch=results.batch, actor=results.city), results.city)
    certificate_issue(application=results.applications[0], actor=results.city)
    results.object_to(results.applications[1])
    served_enterprise({"users": role_users})
    TownFactory()
    CalendarDay.objects.create(date=datetime.date(2031, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    SmsMessage.objects.create(mobile="13900000000", text="验证码", purpose="otp", backend="matrix")
    Notice.objects.create(recipient=role_users[Role.APPLICANT.value], key="matrix", subject="矩阵", body="矩阵")
    FailedTask.objects.create(task_name="matrix.task")
    IdentifierIssue.objects.create(
        model="zaozhuang_titles.user", object_id="1", field="mobile", stored_value="１３９", action="reported"
    )
    AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN, user=role_users[Role.APPLICANT.value])
    BulkRun.objects.create(action="pass", actor=role_users[DISTRICT], application_ids=[])
    matrix_client, _token = client_create(name="矩阵客户端", scopes=[], actor=None)
    ApiCall.objects.create(client=matrix_client, method="GET", path="/api/v1/batches/", status=403)
    hooked, _token = client_create(name="矩阵推送客户端", scopes=[Scope.WEBHOOKS], actor=None)
    subscription, _secret = subscription_create(
        client=hooked, target_url="https://8.8.8.8/hooks", events=[WebhookEvent.BATCH_FILED], actor=None
    )
    WebhookDelivery.objects.create(
        event_type=WebhookEvent.BATCH_FILED, occurred_at=subscription.created_at, subscription=subscription, payload={}
    )
    InspectorDeclaration.objects.create(
        user=role_users[Role.DISTRICT_STAFF.value], enterprise=EnterpriseFactory(), reason="亲属在该企业任职"
    )
    service_side_world(role_users)
    ConsultationWorld().published_problem()


def service_side_world(role_users):
    """One object of each admin model of the campaign's service side (issue 15): a questionnaire sent and
    answered with its log, a library document with a package of the district's division holding it, an
    import and an entry of hours, and an inspection plan drawn."""
    division = role_users[DISTRICT].district
    recipient = RecipientFactory(enterprise=EnterpriseFactory(division=division))
    contact = ContactFactory(enterprise=recipient.enterprise)
    Response.objects.create(
        recipient=recipient, contact=contact, status=Response.Status.SUBMITTED, submitted_at=timezone.now()
    )
    SurveyEvent.objects.create(action=SurveyEvent.Action.SENT, dispatch=recipient.dispatch)
    document = make_document(kind=DocumentKind.VIDEO, title="视频培训", link="http://intranet.example/video")
    package = Package.objects.create(
        enterprise=recipient.enterprise, version=1, commissioner=CommissionerFactory(), note="矩阵"
    )
    PackageItem.objects.create(package=package, document=document, document_version=document.current_version)
    TrainingImportFactory()
    EntryFactory()
    InspectionWorld(division=division, enterprises=3, staff=1, experts=2, count=2, team_size=1).draw()


def district_expected(model, obj, user):
    """District staff open the change page of a model of theirs when the object is in their scope (the
    admin's own list for them), get 404 otherwise (no hint that it exists), and 403 on any other model."""
    if model._meta.label_lower not in DISTRICT_MODELS:
        return 403
    request = RequestFactory().get("/")
    request.user = user
    in_scope = admin.site._registry[model].get_queryset(request).filter(pk=obj.pk).exists()
    return 200 if in_scope else 404


def test_admin_change_pages_refuse_everyone_but_city_staff(role_users, client_for):
    """Each admin model's change page of an existing object: city staff and administrators open it;
    district staff open those of their division's (404 for another's, 403 on a model not theirs); every
    other role is sent to the admin login, by GET and by POST, and the refused POST writes nothing."""
    admin_world(role_users)
    built = set()
    for model in MODELS:
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            assert opts.label_lower in OBJECTS_NOT_BUILT, f"admin_world builds no {opts.label_lower}"
            continue
        built.add(opts.label_lower)
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        for role in ALL_ROLES:
            expected = expected_for(role, opts.label_lower)
            if role == DISTRICT:
                expected = district_expected(model, obj, role_users[role])
            _assert(client_for(role_users[role]).get(url), expected, f"GET {url} as {role}")
            if expected in ("login", 403, 404):
                client = client_for(role_users[role])  # logging in records an audit event: before the snapshot
                before = database_snapshot()
                response = client.post(url, {"name": "改名"})
                _assert(response, expected, f"POST {url} as {role}")
                assert database_snapshot() == before, f"POST {url} as {role} was refused but wrote"
    assert built, "the world built no admin object"
