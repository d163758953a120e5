"""Matrix rows of the enterprises app."""

from enterprises.models import ServiceLog
from tests.authorization.matrix import PUBLIC, REDIRECT, Row, hidden, outcome, same_for_all
from tests.enterprises.factories import CommissionerFactory, EnterpriseFactory, RecognitionFactory, ServiceLogFactory
from zaozhuang_titles.models import Role

STAFF = [Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.ADMINISTRATOR]
CITY = [Role.CITY_STAFF, Role.ADMINISTRATOR]
PAGE_READERS = [*STAFF, Role.COMMISSIONER]


def served_enterprise(ctx):
    """An enterprise of the district staff's division, served by the matrix commissioner, with a problem."""
    users = ctx["users"]
    commissioner = CommissionerFactory(user=users[Role.COMMISSIONER.value])
    division = users[Role.DISTRICT_STAFF.value].district
    enterprise = EnterpriseFactory(division=division, commissioner=commissioner)
    RecognitionFactory(enterprise=enterprise)
    ctx["enterprise"] = enterprise
    ctx["problem"] = ServiceLogFactory(enterprise=enterprise, commissioner=commissioner, kind=ServiceLog.Kind.PROBLEM)


def enterprise_pk(ctx):
    return {"pk": ctx["enterprise"].pk}


def enterprise_token(ctx):
    return {"token": ctx["enterprise"].public_token}


def problem_pk(ctx):
    return {"pk": ctx["problem"].pk}


ROWS = [
    Row(
        "enterprises:contact_home",
        get=outcome(allowed=[Role.ENTERPRISE_CONTACT]),
        post=outcome(allowed=[Role.ENTERPRISE_CONTACT], ok=405),
    ),
    Row(
        "enterprises:commissioner_home",
        get=outcome(allowed=[Role.COMMISSIONER]),
        post=outcome(allowed=[Role.COMMISSIONER], ok=405),
    ),
    # An empty POST re-renders the form with its errors.
    Row(
        "enterprises:register",
        get=outcome(allowed=[Role.ENTERPRISE_CONTACT]),
        post=outcome(allowed=[Role.ENTERPRISE_CONTACT]),
    ),
    Row("enterprises:list", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF, ok=405)),
    # 导出 Excel: a POST (a redirect to the file, or back to the list when it lists nothing).
    Row(
        "enterprises:export",
        get=outcome(allowed=STAFF, ok=405),
        post=outcome(allowed=STAFF, ok=REDIRECT),
        setup=served_enterprise,
    ),
    Row("enterprises:statistics", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF, ok=405)),
    Row("enterprises:import", get=outcome(allowed=CITY), post=outcome(allowed=CITY)),
    # Without a checked file in the session the confirmation sends back to the upload.
    Row(
        "enterprises:import_confirm",
        get=outcome(allowed=CITY, ok=405),
        post=outcome(allowed=CITY, ok=REDIRECT),
        redirect_refuses=True,
    ),
    Row("enterprises:import_template", get=outcome(allowed=CITY), post=outcome(allowed=CITY, ok=405)),
    Row(
        "enterprises:detail",
        get=outcome(allowed=PAGE_READERS),
        post=outcome(allowed=PAGE_READERS, ok=405),
        setup=served_enterprise,
        kwargs=enterprise_pk,
        outsiders=hidden(Role.DISTRICT_STAFF, Role.COMMISSIONER, post=405),
    ),
    Row(
        "enterprises:history",
        get=outcome(allowed=PAGE_READERS),
        post=outcome(allowed=PAGE_READERS, ok=405),
        setup=served_enterprise,
        kwargs=enterprise_pk,
        outsiders=hidden(Role.DISTRICT_STAFF, Role.COMMISSIONER, post=405),
    ),
    # Verifying an enterprise that is already active changes nothing and sends back to its page.
    Row(
        "enterprises:verify",
        get=outcome(allowed=STAFF, ok=405),
        post=outcome(allowed=STAFF, ok=REDIRECT),
        setup=served_enterprise,
        kwargs=enterprise_pk,
        outsiders=hidden(Role.DISTRICT_STAFF, get=405),
        redirect_refuses=True,
    ),
    Row(
        "enterprises:assign_commissioner",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY, ok=REDIRECT),
        setup=served_enterprise,
        kwargs=enterprise_pk,
        data={"commissioner": "", "reason": "matrix"},
    ),
    Row(
        "enterprises:service_log_add",
        get=outcome(allowed=[Role.COMMISSIONER]),
        post=outcome(allowed=[Role.COMMISSIONER]),
        setup=served_enterprise,
        kwargs=enterprise_pk,
        outsiders=hidden(Role.COMMISSIONER),
    ),
    Row(
        "enterprises:service_log_solve",
        get=outcome(allowed=[Role.COMMISSIONER]),
        post=outcome(allowed=[Role.COMMISSIONER]),
        setup=served_enterprise,
        kwargs=problem_pk,
        outsiders=hidden(Role.COMMISSIONER),
    ),
    # 码上看 is public: no login, and the token is the only key.
    Row(
        "enterprises:public",
        anonymous_cache=PUBLIC,
        get=same_for_all(200),
        post=same_for_all(405),
        setup=served_enterprise,
        kwargs=enterprise_token,
    ),
    Row(
        "enterprises:qr_code",
        anonymous_cache=PUBLIC,
        get=same_for_all(200),
        post=same_for_all(405),
        setup=served_enterprise,
        kwargs=enterprise_token,
    ),
]
