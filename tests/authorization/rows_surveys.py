"""Matrix rows of the surveys app (电子问卷).

City staff and administrators build, send and read; the enterprise's contact answers on its link and
sees its QR code; district staff and the commissioner read the results of a dispatch sent to their
enterprise (the matrix division's, served by the matrix commissioner). Every object row names its
outsiders: another enterprise's contact gets 404 on the link and its QR code, another division's district
staff and a commissioner serving another enterprise 404 on the results; on the staff pages every scoped
role is refused by its role (403)."""

from surveys.services import response_save
from tests.authorization.matrix import REDIRECT, Row, hidden, outcome, refused_by_role
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.surveys.factories import DispatchFactory, QuestionnaireFactory, RecipientFactory, build_survey
from zaozhuang_titles.models import Role

CITY = [Role.CITY_STAFF, Role.ADMINISTRATOR]
CONTACT = [Role.ENTERPRISE_CONTACT]
#: Who reads a dispatch's results: city staff all of them, district staff and commissioners their share.
RESULTS_READERS = [*CITY, Role.DISTRICT_STAFF, Role.COMMISSIONER]


def open_questionnaire(ctx):
    """A questionnaire without answers: its questions can change."""
    ctx["questionnaire"], ctx["questions"] = build_survey(
        QuestionnaireFactory(created_by=ctx["users"][Role.CITY_STAFF.value])
    )


def answered(ctx):
    """A questionnaire sent to the matrix contact's enterprise, which submitted its answer (so the
    questions are locked)."""
    users = ctx["users"]
    open_questionnaire(ctx)
    enterprise = EnterpriseFactory(
        division=users[Role.DISTRICT_STAFF.value].district,
        commissioner=CommissionerFactory(user=users[Role.COMMISSIONER.value]),
    )
    ContactFactory(enterprise=enterprise, user=users[Role.ENTERPRISE_CONTACT.value])
    dispatch = DispatchFactory(questionnaire=ctx["questionnaire"])
    ctx["dispatch"] = dispatch
    ctx["recipient"] = RecipientFactory(dispatch=dispatch, enterprise=enterprise)
    q1, _q2, _q3, q4, *_rest = ctx["questions"]
    ctx["response"] = response_save(
        recipient=ctx["recipient"],
        user=users[Role.ENTERPRISE_CONTACT.value],
        answers={q1.pk: q1.opt["否"].pk, q4.pk: 4},
        submit=True,
    )


def questionnaire_pk(ctx):
    return {"pk": ctx["questionnaire"].pk}


def question_pk(ctx):
    return {"pk": ctx["questions"][0].pk}


def dispatch_pk(ctx):
    return {"pk": ctx["dispatch"].pk}


def response_pk(ctx):
    return {"pk": ctx["response"].pk}


def token(ctx):
    return {"token": ctx["recipient"].token}


STAFF_ONLY = refused_by_role()


def staff_page(name, *, setup, kwargs, post_ok=405, data=None, redirect_refuses=False, get_ok=200):
    return Row(
        name,
        get=outcome(allowed=CITY, ok=get_ok),
        post=outcome(allowed=CITY, ok=post_ok),
        setup=setup,
        kwargs=kwargs,
        data=data or {},
        outsiders=STAFF_ONLY,
        redirect_refuses=redirect_refuses,
    )


ROWS = [
    Row("surveys:questionnaires", get=outcome(allowed=CITY), post=outcome(allowed=CITY, ok=405)),
    # An empty POST re-renders the form with its errors.
    Row("surveys:questionnaire_create", get=outcome(allowed=CITY), post=outcome(allowed=CITY)),
    staff_page("surveys:questionnaire", setup=open_questionnaire, kwargs=questionnaire_pk),
    staff_page("surveys:questionnaire_edit", setup=open_questionnaire, kwargs=questionnaire_pk, post_ok=200),
    staff_page("surveys:questionnaire_preview", setup=answered, kwargs=questionnaire_pk),
    # The first POST makes version 2; the second is refused (versions form a line) and sends back.
    staff_page(
        "surveys:questionnaire_new_version",
        setup=open_questionnaire,
        kwargs=questionnaire_pk,
        get_ok=405,
        post_ok=REDIRECT,
    ),
    staff_page("surveys:question_add", setup=open_questionnaire, kwargs=questionnaire_pk, post_ok=200),
    staff_page("surveys:dispatch_create", setup=open_questionnaire, kwargs=questionnaire_pk, post_ok=200),
    staff_page("surveys:question_edit", setup=open_questionnaire, kwargs=question_pk, post_ok=200),
    # The questionnaire has answers: deleting or moving a question is refused and sends back.
    staff_page(
        "surveys:question_delete",
        setup=answered,
        kwargs=question_pk,
        get_ok=405,
        post_ok=REDIRECT,
        redirect_refuses=True,
    ),
    staff_page(
        "surveys:question_move",
        setup=answered,
        kwargs=question_pk,
        get_ok=405,
        post_ok=REDIRECT,
        redirect_refuses=True,
    ),
    staff_page("surveys:dispatch", setup=answered, kwargs=dispatch_pk),
    staff_page("surveys:dispatch_qr_sheet", setup=answered, kwargs=dispatch_pk),
    *(
        Row(
            name,
            get=outcome(allowed=RESULTS_READERS),
            post=outcome(allowed=RESULTS_READERS, ok=405),
            setup=answered,
            kwargs=dispatch_pk,
            # The other scoped roles are refused by their role; the readers' outsiders see no such dispatch.
            outsiders={
                **refused_by_role(Role.APPLICANT, Role.ENTERPRISE_CONTACT, Role.CHAIRMAN, Role.EXPERT),
                **hidden(Role.DISTRICT_STAFF, Role.COMMISSIONER, post=405),
            },
        )
        for name in ("surveys:results", "surveys:results_data", "surveys:results_export")
    ),
    Row(
        "surveys:shared_results",
        get=outcome(allowed=[Role.DISTRICT_STAFF, Role.COMMISSIONER]),
        post=outcome(allowed=[Role.DISTRICT_STAFF, Role.COMMISSIONER], ok=405),
    ),
    staff_page("surveys:response", setup=answered, kwargs=response_pk),
    # An empty POST shows the form again with its errors; nothing is recorded.
    staff_page("surveys:response_follow_up", setup=answered, kwargs=response_pk, get_ok=405, post_ok=200),
    Row("surveys:mine", get=outcome(allowed=CONTACT), post=outcome(allowed=CONTACT, ok=405)),
    # The enterprise's link: its contacts only. The answer was submitted: an empty POST is refused with
    # the missing required answers shown on the page.
    Row(
        "surveys:answer",
        get=outcome(allowed=CONTACT),
        post=outcome(allowed=CONTACT),
        setup=answered,
        kwargs=token,
        outsiders=hidden(Role.ENTERPRISE_CONTACT),
    ),
    Row(
        "surveys:recipient_qr",
        get=outcome(allowed=[*CITY, *CONTACT]),
        post=outcome(allowed=[*CITY, *CONTACT], ok=405),
        setup=answered,
        kwargs=token,
        outsiders=hidden(Role.ENTERPRISE_CONTACT, post=405),
    ),
]
