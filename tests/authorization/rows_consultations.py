"""Matrix rows of the consultations app (咨询与难题).

The world: the matrix division's enterprise, served by the matrix commissioner, with the matrix contact
and chairman and the matrix applicant employed there. The contact asked a question (with an attachment);
a second question is answered, published to the FAQ and followed as a problem owned by the matrix
commissioner. A questionnaire sent to the enterprise has its answer.

Askers (contacts, applicants) ask and read their own questions; handlers (city and district staff, the
enterprise's commissioner) answer and record problems; the problem's owner and city staff work on it,
staff in charge hand it over; city staff publish to the FAQ and take up questionnaire answers. The FAQ is
public. Every object row names its outsiders: another enterprise's contact, applicant and commissioner,
another division's district staff get 404 (405 for a method the page does not answer); the roles that
never open the page get 403.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from consultations import services
from consultations.models import AskedAs, Category
from surveys.services import response_save
from tests.applications.factories import ProfileFactory
from tests.applications.hostile_files import image
from tests.authorization.matrix import PUBLIC, REDIRECT, Row, hidden, outcome, refused_by_role, same_for_all
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.surveys.factories import DispatchFactory, QuestionnaireFactory, RecipientFactory, build_survey
from zaozhuang_titles.models import Role

CITY = [Role.CITY_STAFF, Role.ADMINISTRATOR]
ASKERS = [Role.ENTERPRISE_CONTACT, Role.APPLICANT]
HANDLERS = [*CITY, Role.DISTRICT_STAFF, Role.COMMISSIONER]
#: The asker (the matrix contact) and the handlers of its enterprise.
READERS = [*HANDLERS, Role.ENTERPRISE_CONTACT]
#: The problem's owner (the matrix commissioner) and city staff.
WORKERS = [*CITY, Role.COMMISSIONER]
#: City staff and the district staff of the problem's division.
ASSIGNERS = [*CITY, Role.DISTRICT_STAFF]


def world(ctx):
    users = ctx["users"]
    commissioner = CommissionerFactory(user=users[Role.COMMISSIONER.value])
    enterprise = EnterpriseFactory(
        division=users[Role.DISTRICT_STAFF.value].district,
        commissioner=commissioner,
        chairman=users[Role.CHAIRMAN.value],
    )
    ContactFactory(enterprise=enterprise, user=users[Role.ENTERPRISE_CONTACT.value])
    ProfileFactory(enterprise=enterprise, user=users[Role.APPLICANT.value])
    contact = users[Role.ENTERPRISE_CONTACT.value]
    ctx["question"] = services.consultation_ask(
        asker=contact,
        asked_as=AskedAs.CONTACT,
        category=Category.SYSTEM,
        title="上传专利证书时提示格式不正确",
        body="扫描件无法上传。",
        attachment=SimpleUploadedFile("截图.png", image(), content_type="image/png"),
    )
    answered = services.consultation_ask(
        asker=contact,
        asked_as=AskedAs.CONTACT,
        category=Category.REVIEW,
        title="专项通道是否需要论文？",
        body="没有论文。",
    )
    ctx["answered"] = services.consultation_answer(
        consultation=answered, actor=users[Role.CITY_STAFF.value], answer="不需要论文，评实绩。"
    )
    ctx["faq"] = services.faq_publish(
        consultation=ctx["answered"],
        actor=users[Role.CITY_STAFF.value],
        category=Category.REVIEW,
        question="专项通道申报是否需要论文？",
        answer="不需要，专项通道评实绩。",
    )
    ctx["problem"] = services.problem_create(
        consultation=ctx["answered"],
        actor=commissioner.user,
        category=Category.REVIEW,
        title="协助企业整理代表性成果",
        description="企业需要成果材料模板。",
        owner=commissioner.user,
        due_days=5,
    )
    questionnaire, questions = build_survey(QuestionnaireFactory(created_by=users[Role.CITY_STAFF.value]))
    recipient = RecipientFactory(dispatch=DispatchFactory(questionnaire=questionnaire), enterprise=enterprise)
    q1, _q2, _q3, q4, *_rest = questions
    ctx["response"] = response_save(
        recipient=recipient, user=contact, answers={q1.pk: q1.opt["否"].pk, q4.pk: 4}, submit=True
    )


def question_pk(ctx):
    return {"pk": ctx["question"].pk}


def answered_pk(ctx):
    return {"pk": ctx["answered"].pk}


def problem_pk(ctx):
    return {"pk": ctx["problem"].pk}


def faq_pk(ctx):
    return {"pk": ctx["faq"].pk}


def response_pk(ctx):
    return {"pk": ctx["response"].pk}


#: Outsiders of a question or problem: the scoped roles that may open such pages at all get 404 (405 on a
#: method the page does not answer), the others 403 by their role.
def scoped(*roles, get=404, post=404, refused=()):
    return {**hidden(*roles, get=get, post=post), **refused_by_role(*refused)}


QUESTION_OUTSIDERS = scoped(
    Role.ENTERPRISE_CONTACT,
    Role.APPLICANT,
    Role.DISTRICT_STAFF,
    Role.COMMISSIONER,
    post=405,
    refused=(Role.CHAIRMAN, Role.EXPERT),
)
HANDLER_OUTSIDERS = scoped(
    Role.DISTRICT_STAFF,
    Role.COMMISSIONER,
    refused=(Role.ENTERPRISE_CONTACT, Role.APPLICANT, Role.CHAIRMAN, Role.EXPERT),
)
#: A page answering POST only: GET is 405 before anything is looked up.
POST_ONLY_OUTSIDERS = scoped(
    Role.DISTRICT_STAFF,
    Role.COMMISSIONER,
    get=405,
    refused=(Role.ENTERPRISE_CONTACT, Role.APPLICANT, Role.CHAIRMAN, Role.EXPERT),
)
STAFF_ONLY = refused_by_role()


def question_row(name, *, get, post, kwargs=question_pk, outsiders=HANDLER_OUTSIDERS, **extra):
    return Row(name, get=get, post=post, setup=world, kwargs=kwargs, outsiders=outsiders, **extra)


ROWS = [
    # The askers: an empty POST shows the form again with its errors.
    Row("consultations:ask", get=outcome(allowed=ASKERS), post=outcome(allowed=ASKERS)),
    Row("consultations:mine", get=outcome(allowed=ASKERS), post=outcome(allowed=ASKERS, ok=405)),
    # One question: the asker and its handlers; the matrix applicant (not the asker) gets 404 like an outsider.
    question_row(
        "consultations:detail",
        get={**outcome(allowed=READERS), Role.APPLICANT.value: 404},
        post={**outcome(allowed=READERS, ok=405), Role.APPLICANT.value: 405},
        outsiders=QUESTION_OUTSIDERS,
    ),
    question_row(
        "consultations:attachment",
        get={**outcome(allowed=READERS), Role.APPLICANT.value: 404},
        post={**outcome(allowed=READERS, ok=405), Role.APPLICANT.value: 405},
        outsiders=QUESTION_OUTSIDERS,
    ),
    # Answering, by POST: an empty answer is shown again with its error, nothing is written.
    question_row(
        "consultations:answer",
        get=outcome(allowed=HANDLERS, ok=405),
        post=outcome(allowed=HANDLERS),
        outsiders=POST_ONLY_OUTSIDERS,
    ),
    question_row(
        "consultations:problem_create",
        get=outcome(allowed=HANDLERS),
        post=outcome(allowed=HANDLERS),
    ),
    question_row(
        "consultations:publish",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        kwargs=answered_pk,
        outsiders=STAFF_ONLY,
    ),
    # The handlers' lists.
    Row("consultations:queue", get=outcome(allowed=HANDLERS), post=outcome(allowed=HANDLERS, ok=405)),
    Row("consultations:problems", get=outcome(allowed=HANDLERS), post=outcome(allowed=HANDLERS, ok=405)),
    question_row(
        "consultations:problem",
        get=outcome(allowed=HANDLERS),
        post=outcome(allowed=HANDLERS, ok=405),
        kwargs=problem_pk,
        outsiders=scoped(
            Role.DISTRICT_STAFF,
            Role.COMMISSIONER,
            post=405,
            refused=(Role.ENTERPRISE_CONTACT, Role.APPLICANT, Role.CHAIRMAN, Role.EXPERT),
        ),
    ),
    # Working on the problem: its owner (the matrix commissioner) and city staff; an empty note or
    # resolution is shown again with its error. District staff see it but do not work on it (403).
    question_row(
        "consultations:problem_note",
        get=outcome(allowed=HANDLERS, ok=405),
        post={**outcome(allowed=WORKERS), Role.DISTRICT_STAFF.value: 403},
        kwargs=problem_pk,
        outsiders=POST_ONLY_OUTSIDERS,
    ),
    question_row(
        "consultations:problem_solve",
        get=outcome(allowed=HANDLERS, ok=405),
        post={**outcome(allowed=WORKERS), Role.DISTRICT_STAFF.value: 403},
        kwargs=problem_pk,
        outsiders=POST_ONLY_OUTSIDERS,
    ),
    # Starting moves the problem (the first POST); the next ones are told it already moved.
    question_row(
        "consultations:problem_start",
        get=outcome(allowed=HANDLERS, ok=405),
        post={**outcome(allowed=WORKERS, ok=REDIRECT), Role.DISTRICT_STAFF.value: 403},
        kwargs=problem_pk,
        outsiders=POST_ONLY_OUTSIDERS,
    ),
    # Handing over: city staff and the district staff of its division; the commissioner may not (403).
    question_row(
        "consultations:problem_assign",
        get=outcome(allowed=HANDLERS, ok=405),
        post={**outcome(allowed=ASSIGNERS), Role.COMMISSIONER.value: 403},
        kwargs=problem_pk,
        outsiders=POST_ONLY_OUTSIDERS,
    ),
    Row(
        "consultations:from_survey",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        setup=world,
        kwargs=response_pk,
        outsiders=STAFF_ONLY,
    ),
    # The public FAQ.
    Row("consultations:faq", anonymous_cache=PUBLIC, get=same_for_all(200), post=same_for_all(405)),
    Row(
        "consultations:faq_entry",
        anonymous_cache=PUBLIC,
        get=same_for_all(200),
        post=same_for_all(405),
        setup=world,
        kwargs=faq_pk,
    ),
    Row(
        "consultations:faq_edit",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        setup=world,
        kwargs=faq_pk,
        outsiders=STAFF_ONLY,
    ),
    Row(
        "consultations:faq_withdraw",
        get=outcome(allowed=CITY, ok=405),
        post=outcome(allowed=CITY),
        setup=world,
        kwargs=faq_pk,
        outsiders=STAFF_ONLY,
    ),
]
