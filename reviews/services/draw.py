"""Writes on meetings: creating one, the verifiable random draw of its panel (with ordered
substitutes), its cases and the scoring assignments, and a substitute taking a member's place.

The draw can be checked by anyone afterwards (the method is the core's, ``zaozhuang_titles.draws``).
``draw_prepare`` picks a secret seed and publishes only its SHA-256; ``panel_draw`` lists the eligible
experts of the committee sorted by primary key and takes ``random.Random(seed).sample`` of them —
members first, then substitutes in the order drawn — and only then is the seed shown; ``draw_verify``
re-runs the same sample from the revealed seed.

Recusal (``reviews.recusal``) is applied twice: an expert conflicted with every case of the meeting is
left out of the draw; one conflicted with some cases is drawn and simply gets no assignment for those.
"""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Status
from applications.workflow import application_transition
from reviews.models import Assignment, Case, Committee, DrawExclusion, Meeting, PanelMember
from reviews.recusal import conflict_map
from reviews.selectors.pool import committee_problems
from reviews.workflow import meeting_transition
from zaozhuang_titles.draws import draw_sample, new_seed, seed_sha256
from zaozhuang_titles.rules import is_city_admin


def _check_actor(actor):
    if actor is not None and not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff run review meetings."))


def _committee(meeting):
    committee = Committee.objects.filter(batch_id=meeting.batch_id).prefetch_related("members").first()
    if committee is None:
        raise ValidationError(_("The batch has no review committee yet; form it in the admin first."))
    return committee


@transaction.atomic
def meeting_create(
    *,
    actor,
    batch,
    specialty,
    name,
    held_on,
    scoring_deadline,
    panel_size,
    substitutes=2,
    size_override_reason="",
):
    """Plan a meeting of the batch's committee for one specialty, with the draw's seed prepared.

    The committee must satisfy the size rules of 人社部令第40号 (``committee_problems``), unless staff
    record why they proceed anyway: ``size_override_reason`` is then stored on the committee."""
    _check_actor(actor)
    committee = Committee.objects.select_for_update().filter(batch=batch).first()
    if committee is None:
        raise ValidationError(_("The batch has no review committee yet; form it in the admin first."))
    problems = committee_problems(committee)
    reason = (size_override_reason or "").strip()
    if problems and reason:
        committee.size_override_reason = reason
        committee._history_user = actor
        committee.save(update_fields=["size_override_reason"])
    if problems and not committee.size_override_reason:
        raise ValidationError(
            [
                *problems,
                _("To proceed with this committee anyway, record the reason (it is kept with the committee)."),
            ],
            code="committee_size",
        )
    meeting = Meeting(
        batch=batch,
        specialty=specialty,
        name=name,
        held_on=held_on,
        scoring_deadline=scoring_deadline,
        panel_size=panel_size,
        substitutes=substitutes,
    )
    meeting.full_clean()
    meeting.save()
    draw_prepare(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting, actor, name, scoring_deadline):
    """Correct a meeting's name or scoring deadline (the Django admin's meeting page). The deadline
    follows the same rule as when the meeting was planned (``validate_scoring_deadline``, through
    ``full_clean()``); the rest of the meeting is the draw's and the vote's and is not changed here."""
    _check_actor(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.name = name
    meeting.scoring_deadline = scoring_deadline
    meeting.full_clean()
    meeting.save(update_fields=["name", "scoring_deadline"])
    return meeting


def draw_prepare(*, meeting):
    """Pick the draw's secret seed and publish its SHA-256. The seed stays server-side until the draw.
    Does nothing when the seed is already chosen (the published hash must never change)."""
    if meeting.seed_sha256:
        return meeting
    seed = new_seed()
    updated = Meeting.objects.filter(pk=meeting.pk, seed_sha256="", status=Meeting.Status.PLANNED).update(
        seed=seed, seed_sha256=seed_sha256(seed)
    )
    meeting.refresh_from_db(fields=["seed", "seed_sha256"])
    if not updated and not meeting.seed_sha256:
        raise ValidationError(_("The draw of this meeting has already been made."))
    return meeting


@dataclass
class Eligibility:
    eligible: list  # experts
    excluded: list  # (expert, reason, detail)


def eligibility(meeting, committee=None):
    """Who of the committee may be drawn for ``meeting`` and who is left out, with the reason.

    Left out: inactive experts, experts whose term does not cover the meeting date, experts who do
    not cover the meeting's specialty, and experts conflicted with every case already on the agenda."""
    committee = committee or _committee(meeting)
    members = list(committee.members.select_related("user").prefetch_related("specialties").order_by("pk"))
    application_ids = list(meeting.cases.values_list("application_id", flat=True))
    conflicted = conflict_map(members, application_ids) if application_ids else {}
    eligible, excluded = [], []
    for expert in members:
        if not expert.is_active:
            excluded.append((expert, DrawExclusion.Reason.INACTIVE, ""))
        elif not expert.in_term(meeting.held_on):
            detail = _("Term %(starts)s to %(ends)s") % {
                "starts": expert.term_starts.isoformat(),
                "ends": expert.term_ends.isoformat(),
            }
            excluded.append((expert, DrawExclusion.Reason.TERM, detail))
        elif meeting.specialty_id not in {specialty.pk for specialty in expert.specialties.all()}:
            excluded.append((expert, DrawExclusion.Reason.SPECIALTY, ""))
        elif application_ids and all((expert.pk, pk) in conflicted for pk in application_ids):
            reasons = conflicted[(expert.pk, application_ids[0])]
            excluded.append((expert, DrawExclusion.Reason.CONFLICT, reasons[0][:200]))
        else:
            eligible.append(expert)
    return Eligibility(eligible=eligible, excluded=excluded)


def _too_few_message(meeting, found, excluded):
    needed = meeting.panel_size + meeting.substitutes
    counts = Counter(reason for _expert, reason, _detail in excluded)
    reasons = "、".join(
        _("%(reason)s: %(count)d") % {"reason": DrawExclusion.Reason(reason).label, "count": count}
        for reason, count in counts.most_common()
    )
    return _(
        "Only %(eligible)d experts of the committee are eligible, but %(needed)d are needed "
        "(%(panel)d members and %(substitutes)d substitutes). Left out: %(reasons)s. Nothing was drawn."
    ) % {
        "eligible": found,
        "needed": needed,
        "panel": meeting.panel_size,
        "substitutes": meeting.substitutes,
        "reasons": reasons or _("none"),
    }


@transaction.atomic
def panel_draw(*, meeting, actor):
    """Draw the meeting's panel and substitutes from the eligible experts of the committee, record who
    was left out and why, reveal the seed, and create the scoring assignments of the cases already on
    the agenda. Too few eligible experts: ValidationError saying how many and why, nothing written."""
    _check_actor(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED or meeting.drawn_at is not None:
        raise ValidationError(_("The panel of this meeting has already been drawn."), code="drawn")
    if not meeting.seed_sha256:
        draw_prepare(meeting=meeting)
    committee = _committee(meeting)
    if committee_problems(committee) and not committee.size_override_reason:
        raise ValidationError(
            _("The committee breaks the size rules of 人社部令第40号 and no reason to proceed is recorded.")
        )
    found = eligibility(meeting, committee)
    needed = meeting.panel_size + meeting.substitutes
    if len(found.eligible) < needed:
        raise ValidationError(_too_few_message(meeting, len(found.eligible), found.excluded), code="too_few")
    drawn = draw_sample([expert.pk for expert in found.eligible], meeting.seed, needed)
    PanelMember.objects.bulk_create(
        [
            PanelMember(
                meeting=meeting,
                expert_id=expert_pk,
                kind=PanelMember.Kind.MEMBER if order <= meeting.panel_size else PanelMember.Kind.SUBSTITUTE,
                order=order,
            )
            for order, expert_pk in enumerate(drawn, start=1)
        ]
    )
    DrawExclusion.objects.bulk_create(
        [
            DrawExclusion(meeting=meeting, expert=expert, reason=reason, detail=detail)
            for expert, reason, detail in found.excluded
        ]
    )
    meeting.drawn_at = timezone.now()
    meeting.drawn_by = actor
    meeting.save(update_fields=["drawn_at", "drawn_by"])
    meeting_transition(meeting=meeting, action="draw", actor=actor, now=meeting.drawn_at)
    assignments_create(meeting=meeting, actor=actor)
    return meeting


@dataclass
class Verification:
    matches: bool
    seed_matches_hash: bool
    expected: list  # expert pks in the order the seed draws them
    recorded: list  # expert pks of the panel in the order recorded


def draw_verify(meeting):
    """Re-run the draw from the revealed seed and compare with the recorded panel. The eligible list is
    rebuilt as the committee's members minus those recorded as left out (so it matches unless the
    committee itself was changed after the draw)."""
    if meeting.drawn_at is None or not meeting.seed:
        return None
    recorded = list(meeting.panel.order_by("order").values_list("expert_id", flat=True))
    excluded = set(meeting.exclusions.values_list("expert_id", flat=True))
    members = Committee.objects.filter(batch_id=meeting.batch_id).values_list("members", flat=True)
    eligible = {pk for pk in members if pk is not None and pk not in excluded}
    hash_ok = seed_sha256(meeting.seed) == meeting.seed_sha256
    expected = draw_sample(eligible, meeting.seed, len(recorded)) if len(eligible) >= len(recorded) else []
    return Verification(
        matches=hash_ok and expected == recorded, seed_matches_hash=hash_ok, expected=expected, recorded=recorded
    )


def active_panel(meeting):
    """The experts who judge now: members not withdrawn, and substitutes who took a member's place."""
    return [
        member
        for member in meeting.panel.select_related("expert").order_by("order")
        if not member.withdrawn_reason and (member.kind == PanelMember.Kind.MEMBER or member.replaced_id is not None)
    ]


@transaction.atomic
def cases_add(*, meeting, applications, actor):
    """Put accepted applications of the meeting's batch on its agenda, moving each into review
    (ACCEPTED → IN_REVIEW, ``start_review``); once the panel is drawn, create their assignments.
    Every application is checked first: any problem and nothing is written."""
    _check_actor(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.cases_open:
        raise ValidationError(_("Cases can no longer be added: the vote of this meeting has started."))
    applications = list(applications)
    if not applications:
        raise ValidationError(_("Choose at least one application."))
    on_agenda = set(meeting.cases.values_list("application_id", flat=True))
    problems = []
    for application in applications:
        if application.batch_id != meeting.batch_id:
            problems.append(_("%(number)s belongs to another batch.") % {"number": application.number})
        elif application.status != Status.ACCEPTED:
            problems.append(
                _("%(number)s is “%(status)s”, not accepted.")
                % {"number": application.number, "status": application.get_status_display()}
            )
        elif application.pk in on_agenda:
            problems.append(_("%(number)s is already on this meeting's agenda.") % {"number": application.number})
    if problems:
        raise ValidationError(problems)
    position = (meeting.cases.aggregate(top=Max("position"))["top"] or 0) + 1
    cases = []
    for offset, application in enumerate(applications):
        application_transition(application=application, action="start_review", actor=actor)
        case = Case(meeting=meeting, application=application, position=position + offset)
        case.full_clean()
        case.save()
        cases.append(case)
    if meeting.status != Meeting.Status.PLANNED:
        assignments_create(meeting=meeting, actor=actor)
    return cases


def assignments_create(*, meeting, actor=None):
    """Give every judging expert of the panel every case it has no conflict with (a conflicted pair is
    never assigned). Idempotent. Once there are assignments the meeting is in scoring (a move made for
    ``actor``, or by the portal when None)."""
    panel = active_panel(meeting)
    cases = list(meeting.cases.all())
    if not panel or not cases:
        return []
    conflicted = conflict_map([member.expert_id for member in panel], [case.application_id for case in cases])
    existing = set(Assignment.objects.filter(case__meeting=meeting).values_list("case_id", "expert_id"))
    new = [
        Assignment(case=case, expert_id=member.expert_id)
        for case in cases
        for member in panel
        if (case.pk, member.expert_id) not in existing and (member.expert_id, case.application_id) not in conflicted
    ]
    Assignment.objects.bulk_create(new)
    if meeting.status == Meeting.Status.DRAWN and (new or existing):
        meeting_transition(meeting=meeting, action="start_scoring", actor=actor)
    return new


@transaction.atomic
def panel_substitute(*, member, reason, actor):
    """The next substitute (替补, in the order drawn) takes the place of ``member``, who withdraws for
    ``reason``; the substitute takes over the cases, except those it is conflicted with. The member's
    assignments (with any autosaved scores) go, its declared conflicts stay on record; once it has
    submitted scores for a case it cannot be replaced any more."""
    _check_actor(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason the expert withdraws.")})
    member = PanelMember.objects.select_for_update().select_related("meeting").get(pk=member.pk)
    meeting = member.meeting
    if not meeting.panel_open:
        raise ValidationError(_("Substitutes replace members only between the draw and the vote."))
    if member.withdrawn_reason or (member.kind == PanelMember.Kind.SUBSTITUTE and member.replaced_id is None):
        raise ValidationError(_("%(expert)s does not sit on the panel now.") % {"expert": member.expert})
    assignments = Assignment.objects.filter(case__meeting=meeting, expert_id=member.expert_id)
    if assignments.filter(submitted_at__isnull=False).exists():
        raise ValidationError(
            _("%(expert)s has already submitted scores; a substitute can no longer take its place.")
            % {"expert": member.expert}
        )
    substitute = (
        PanelMember.objects.select_for_update()
        .filter(meeting=meeting, kind=PanelMember.Kind.SUBSTITUTE, replaced__isnull=True, withdrawn_reason="")
        .order_by("order")
        .first()
    )
    if substitute is None:
        raise ValidationError(_("No substitute is left for this meeting."))
    # Its recusals stay on record; the rest of its work goes to the substitute.
    assignments.filter(conflict_declared_at__isnull=True).delete()
    member.withdrawn_reason = reason[:200]
    member.save(update_fields=["withdrawn_reason"])
    substitute.replaced = member
    substitute.save(update_fields=["replaced"])
    assignments_create(meeting=meeting, actor=actor)
    return substitute
