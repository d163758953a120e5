"""Each kind of token against each operation (table-driven): the scope it needs, or 401/403 as
problem+json. A personal token reads its applicant's own applications and nothing else."""

import pytest

from api import services
from api.models import Scope
from tests.applications.factories import World
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

#: (operation, method, path template, the scope it needs; None: public).
OPERATIONS = [
    ("batches_list", "GET", "/api/v1/batches/", Scope.BATCHES_READ),
    ("batches_retrieve", "GET", "/api/v1/batches/{batch}/", Scope.BATCHES_READ),
    ("filed_results", "GET", "/api/v1/batches/{batch}/filed-results/", Scope.RESULTS_READ),
    ("certificates", "GET", "/api/v1/batches/{batch}/certificates/", Scope.RESULTS_READ),
    ("verify", "GET", "/api/v1/certificates/verify/{token}/", None),
    ("enterprises_list", "GET", "/api/v1/enterprises/", Scope.ENTERPRISES_READ),
    ("enterprises_retrieve", "GET", "/api/v1/enterprises/{code}/", Scope.ENTERPRISES_READ),
    ("enterprises_create", "POST", "/api/v1/enterprises/", Scope.ENTERPRISES_WRITE),
    ("enterprises_update", "PATCH", "/api/v1/enterprises/{code}/", Scope.ENTERPRISES_WRITE),
    ("recognitions_create", "POST", "/api/v1/enterprises/{code}/recognitions/", Scope.ENTERPRISES_WRITE),
    ("recognitions_update", "PATCH", "/api/v1/enterprises/{code}/recognitions/{recognition}/", Scope.ENTERPRISES_WRITE),
    ("hours_create", "POST", "/api/v1/training-hours/", Scope.HOURS_WRITE),
    ("my_applications", "GET", "/api/v1/me/applications/", "applications:own"),
]
#: Bodies that pass the scope check and fail the input's (400): what matters here is who gets past.
BODIES = {"POST": {}, "PATCH": {"name": ""}}
TOKEN_KINDS = [*Scope.values, "all", "none", "revoked", "personal", "anonymous", "garbage"]


def expected(kind, scope):
    if scope is None:
        return "ok"
    if kind in ("anonymous", "revoked", "garbage"):
        return 401
    if scope == "applications:own":
        return "ok" if kind == "personal" else 403
    if kind == "all" or kind == scope:
        return "ok"
    return 403


@pytest.fixture
def world(filed_batch, tokens):
    applicant = filed_batch["world"].applications[0].applicant
    _personal, personal = services.personal_token_create(user=applicant)
    enterprise = filed_batch["world"].world.enterprise
    return {
        "batch": filed_batch["batch"].pk,
        "token": filed_batch["certificate"].token,
        "code": enterprise.credit_code,
        "recognition": enterprise.recognitions.first().pk,
        "tokens": {**tokens, "personal": personal, "anonymous": None, "garbage": "zzt_nothing_here"},
    }


@pytest.mark.parametrize("kind", TOKEN_KINDS)
def test_each_token_against_each_operation(kind, world, api):
    caller = api(world["tokens"][kind])
    outcomes = {}
    for name, method, template, scope in OPERATIONS:
        path = template.format(**world)
        response = caller.call(method, path, BODIES.get(method))
        want = expected(kind, scope)
        got = response.status_code
        outcomes[name] = got
        if want == "ok":
            assert got in (200, 201, 400), f"{kind} {name}: {got} {response.body}"
        else:
            assert got == want, f"{kind} {name}: {got} {response.body}"
            assert response["Content-Type"] == "application/problem+json"
            assert response.body["status"] == want
    assert outcomes


def test_a_personal_token_reads_only_its_own_applications(api, make_user):
    world = World()
    mine = world.submitted()
    theirs = world.submitted()
    _personal, token = services.personal_token_create(user=mine.applicant)
    response = api(token).get("/api/v1/me/applications/")
    assert response.status_code == 200
    assert [row["number"] for row in response.body] == [mine.number]
    assert theirs.number not in str(response.body)
    assert response.body[0]["status"] == mine.status


def test_a_personal_token_stops_working_when_revoked_or_renewed(api, make_user):
    applicant = make_user(Role.APPLICANT)
    _personal, first = services.personal_token_create(user=applicant)
    _personal, second = services.personal_token_create(user=applicant)
    assert api(first).get("/api/v1/me/applications/").status_code == 401
    assert api(second).get("/api/v1/me/applications/").status_code == 200
    services.personal_token_revoke(user=applicant)
    assert api(second).get("/api/v1/me/applications/").status_code == 401


def test_only_applicants_hold_a_personal_token(make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.personal_token_create(user=make_user(Role.CITY_STAFF))


def test_the_applicant_makes_and_revokes_its_token_on_its_page(make_user, client_for, api):
    applicant = make_user(Role.APPLICANT)
    browser = client_for(applicant)
    page = browser.post("/accounts/api-token/", {"action": "create"})
    token = page.context["token"]
    assert token.startswith("zzp_")
    assert token in page.content.decode()
    assert token not in browser.get("/accounts/api-token/").content.decode()
    assert services.personal_token_of(applicant).token_hash == services.token_digest(token)
    assert api(token).get("/api/v1/me/applications/").status_code == 200
    browser.post("/accounts/api-token/", {"action": "revoke"})
    assert services.personal_token_of(applicant) is None
    assert api(token).get("/api/v1/me/applications/").status_code == 401


def test_a_client_token_is_marked_used_at_most_once_a_minute(api, make_client, django_assert_num_queries):
    client, token = make_client(Scope.BATCHES_READ)
    api(token).get("/api/v1/batches/")
    client.refresh_from_db()
    first = client.last_used_at
    assert first is not None
    api(token).get("/api/v1/batches/")
    client.refresh_from_db()
    assert client.last_used_at == first
