"""Matrix rows of the reviews app: the expert's pages (task list, scoring, autosave, submission,
conflict, evidence). The matrix's expert is given an assignment on a scoring meeting; the variants
"unassigned" and "conflicted" check that the expert gets 404 on an assignment not its own or one it
recused itself from."""

from django.utils import timezone

from reviews.models import Assignment
from tests.authorization.matrix import REDIRECT, Row, hidden, outcome
from tests.reviews.factories import ExpertFactory, ReviewWorld
from zaozhuang_titles.models import Role

EXPERT = [Role.EXPERT]


def own_assignment(ctx):
    review = ReviewWorld(cases=1, panel_size=3)
    expert = ExpertFactory(user=ctx["users"][Role.EXPERT.value], specialties=[review.specialty])
    case = review.cases[0]
    ctx["assignment"] = Assignment.objects.create(case=case, expert=expert)
    ctx["criterion"] = review.criteria[0]
    ctx["evidence"] = case.application.evidence.first()


def unassigned(ctx):
    """The matrix's expert has a profile but the assignment is another expert's."""
    review = ReviewWorld(cases=1, panel_size=3)
    ExpertFactory(user=ctx["users"][Role.EXPERT.value], specialties=[review.specialty])
    case = review.cases[0]
    ctx["assignment"] = Assignment.objects.get(case=case, expert=review.experts[0])
    ctx["criterion"] = review.criteria[0]
    ctx["evidence"] = case.application.evidence.first()


def conflicted(ctx):
    own_assignment(ctx)
    Assignment.objects.filter(pk=ctx["assignment"].pk).update(
        conflict_declared_at=timezone.now(), conflict_reason="亲属"
    )


def assignment_pk(ctx):
    return {"pk": ctx["assignment"].pk}


def criterion_kwargs(ctx):
    return {"pk": ctx["assignment"].pk, "criterion_pk": ctx["criterion"].pk}


def evidence_kwargs(ctx):
    return {"pk": ctx["assignment"].pk, "evidence_pk": ctx["evidence"].pk}


def expert_rows(name, *, get, post, kwargs, data=None, refuses=False):
    """The row on the expert's own assignment, then on an unassigned and a conflicted one (404 where
    the assignment is loaded; a method the page does not answer stays 405). On its own assignment's
    row, an expert on no panel gets the same 404."""
    hidden_get = 405 if get == 405 else 404
    hidden_post = 405 if post == 405 else 404
    rows = [
        Row(
            f"reviews:{name}",
            get=outcome(allowed=EXPERT, ok=get),
            post=outcome(allowed=EXPERT, ok=post),
            setup=own_assignment,
            kwargs=kwargs,
            data=data or {},
            outsiders=hidden(Role.EXPERT, get=hidden_get, post=hidden_post),
            redirect_refuses=refuses,
        )
    ]
    for setup in (unassigned, conflicted):
        rows.append(
            Row(
                f"reviews:{name}",
                get=outcome(allowed=EXPERT, ok=hidden_get),
                post=outcome(allowed=EXPERT, ok=hidden_post),
                setup=setup,
                kwargs=kwargs,
                data=data or {},
            )
        )
    return rows


ROWS = [
    Row(
        "reviews:expert_home",
        get=outcome(allowed=EXPERT),
        post=outcome(allowed=EXPERT, ok=405),
    ),
    Row(
        "reviews:expert_home",
        get=outcome(allowed=EXPERT),
        post=outcome(allowed=EXPERT, ok=405),
        setup=own_assignment,
    ),
    *expert_rows("scoring", get=200, post=405, kwargs=assignment_pk),
    # Without htmx a save answers with a redirect back to the scoring page.
    *expert_rows("score_autosave", get=405, post=REDIRECT, kwargs=criterion_kwargs, data={"points": "12"}),
    # Not every criterion has points: back to the scoring page with the message.
    *expert_rows("assignment_submit", get=405, post=REDIRECT, kwargs=assignment_pk, refuses=True),
    # An empty POST lacks the reason and re-renders the form.
    *expert_rows("conflict_declare", get=200, post=200, kwargs=assignment_pk),
    *expert_rows("evidence", get=200, post=405, kwargs=evidence_kwargs),
]
