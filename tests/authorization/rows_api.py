"""Matrix rows of the API (``/api/v1/``) and the applicant's personal-token page.

The API knows no session: every logged-in role of the matrix is, to it, a caller without a token (401
on an operation that needs one; 405 for a method the operation does not answer, which DRF says before
looking anything up). The public operations (verification, schema, documentation page) answer
everyone alike. Which token reaches which operation is tried in tests/api/test_scopes.py."""

from tests.applications.factories import BatchFactory
from tests.authorization.matrix import PRIVATE, PUBLIC, Row, outcome, same_for_all
from tests.authorization.rows_results_filing import filed
from tests.enterprises.factories import RecognitionFactory
from zaozhuang_titles.models import Role


def batch_and_enterprise(ctx):
    ctx["batch"] = BatchFactory()
    ctx["recognition"] = RecognitionFactory()


def batch_pk(ctx):
    return {"pk": ctx["batch"].pk}


def credit_code(ctx):
    return {"credit_code": ctx["recognition"].enterprise.credit_code}


def recognition(ctx):
    return {"credit_code": ctx["recognition"].enterprise.credit_code, "pk": ctx["recognition"].pk}


NEEDS_TOKEN = same_for_all(401)
NOT_ANSWERED = same_for_all(405)

ROWS = [
    Row("api:batches", get=NEEDS_TOKEN, post=NOT_ANSWERED),
    Row("api:batch", get=NEEDS_TOKEN, post=NOT_ANSWERED, setup=batch_and_enterprise, kwargs=batch_pk),
    Row(
        "api:batch_filed_results",
        get=NEEDS_TOKEN,
        post=NOT_ANSWERED,
        setup=batch_and_enterprise,
        kwargs=batch_pk,
    ),
    Row("api:batch_certificates", get=NEEDS_TOKEN, post=NOT_ANSWERED, setup=batch_and_enterprise, kwargs=batch_pk),
    Row(
        "api:certificate_verify",
        anonymous_cache=PRIVATE,
        get=same_for_all(200),
        post=NOT_ANSWERED,
        setup=filed,
        kwargs=lambda ctx: {"token": ctx["certificate"].token},
    ),
    Row("api:enterprises", get=NEEDS_TOKEN, post=NEEDS_TOKEN),
    Row("api:enterprise", get=NEEDS_TOKEN, post=NOT_ANSWERED, setup=batch_and_enterprise, kwargs=credit_code),
    Row(
        "api:enterprise_recognitions",
        get=NOT_ANSWERED,
        post=NEEDS_TOKEN,
        setup=batch_and_enterprise,
        kwargs=credit_code,
    ),
    Row(
        "api:enterprise_recognition",
        get=NOT_ANSWERED,
        post=NOT_ANSWERED,
        setup=batch_and_enterprise,
        kwargs=recognition,
    ),
    Row("api:training_hours", get=NOT_ANSWERED, post=NEEDS_TOKEN),
    Row("api:my_applications", get=NEEDS_TOKEN, post=NOT_ANSWERED),
    Row("api:schema", anonymous_cache=PUBLIC, get=same_for_all(200), post=NOT_ANSWERED),
    Row("api:docs", anonymous_cache=PUBLIC, get=same_for_all(200), post=NOT_ANSWERED),
    Row("api:unknown", get=same_for_all(404), post=same_for_all(404), kwargs=lambda ctx: {"rest": "nothing/here/"}),
    # The applicant's page: a POST without an action makes a token (shown on the page).
    Row(
        "api_token:personal_token",
        get=outcome(allowed=[Role.APPLICANT]),
        post=outcome(allowed=[Role.APPLICANT]),
    ),
]
