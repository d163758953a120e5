"""Eligibility (申报资格): whether an applicant may apply in a batch, and why, rule by rule.

A pure rule engine: it reads plain frozen dataclasses (``Facts``) and a batch's configuration
(``RuleSet``), never the database, so the models layer maps its rows onto these inputs and calls
``evaluate``. The choices used by those models (``Degree``, ``TitleLevel``, ``SkillLevel``) live here
so that the engine and the models share one vocabulary.

What ``evaluate`` returns (``Evaluation.results``), in this order:

``nomination`` (dedicated channel only)
    The chairman's signed nomination (董事长署名举荐). Met once ``Facts.nominated``; ``PENDING`` (等待董事长署名)
    while the chairman's step is still ahead (``Facts.nomination_pending``: a draft, or an application
    at its enterprise's review); not met only when the application went past that step unsigned.
``qualification``
    Education or skill, and years (申报资格). Its ``parts`` are one result per *route*; the rule is met
    when ANY route is met, its reason names the route(s) that are, and each part says why it is or is
    not met. Routes per target level (``RuleSet.target_level``):

    - ``qualification.education`` (学历资历, 人社部发〔2019〕16号): the highest degree held and the years
      since the title one level below the target (in ``RuleSet.series``) was granted.
      intermediate (工程师): doctorate, no years; master + 2 years holding assistant (助理工程师);
      bachelor + 4 years holding assistant.
      deputy_senior (高级工程师): doctorate + 2 years holding intermediate (工程师); master or bachelor
      + 5 years holding intermediate.
      senior (正高级工程师): bachelor or higher + 5 years holding deputy senior (高级工程师).
    - ``qualification.skill`` (技能贯通, 人社部发〔2020〕80号): technician (技师) + 3 years for
      intermediate; senior technician (高级技师) + 4 years for deputy senior. No skill route to senior.

    A title or skill certificate of a higher level counts as holding the lower one, from the earliest
    grant date among them. A degree counts once graduated (on or before the reference date).
``training``
    Continuing education (继续教育, 《专业技术人员继续教育规定》): for each of the last
    ``training_years_checked`` full calendar years before the reference date, at least
    ``training_hours_per_year`` hours of which at least ``training_specialty_share`` in specialty
    subjects. Its ``parts`` are one result per year; all must be met. A year without a record is not met.
    The hours are those recognised by staff (``training.selectors.recognised_years``); the national
    numbers and the comparison of a year against them are ``training.requirement``'s.

The dedicated channel (专项通道) waives the rules named in ``RuleSet.waivable`` (破除"四唯"): "education"
and "years" together waive ``qualification`` (its routes combine the two, so they cannot be waived one
without the other), "training" waives ``training``. A waived rule is never hidden: its outcome is
``WAIVED`` and its reason says what it would have been (``RuleResult.would_be``). Before the chairman
signs, the waivers are already shown but the ``nomination`` rule is pending, so the applicant is not
eligible yet (``Evaluation.eligible`` needs every rule met or waived; ``pending`` names what
waits). The regular channel waives nothing.

Years are counted in whole calendar months (``years_months_between``): a period of N years from a grant
date is complete on the same day N years later (《民法典》第二百零一条、第二百零三条: the first day is not
counted, the period ends on the corresponding day, or on the last day of the month where there is no
such day, so a title granted on 29 February completes a year on 28 February of a common year).

Labels and reasons are lazy translated strings: they render in the language active when they are shown,
so an ``Evaluation`` may be built once and displayed in Chinese or English.
"""

import calendar
import dataclasses
import datetime
import typing

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from training.requirement import HOURS_PER_YEAR, SPECIALTY_SHARE, specialty_share_met

# --- Vocabulary shared with the models -------------------------------------------------------------


class Degree(models.TextChoices):
    """Highest education (学历)."""

    DOCTORATE = "doctorate", _("Doctorate (博士研究生)")
    MASTER = "master", _("Master's degree (硕士研究生)")
    BACHELOR = "bachelor", _("Bachelor's degree (大学本科)")
    COLLEGE = "college", _("College diploma (大学专科)")
    SECONDARY = "secondary", _("Secondary school or below (中专及以下)")


class TitleLevel(models.TextChoices):
    """Level of a professional title (职称); in the engineering series 助理工程师 … 正高级工程师."""

    ASSISTANT = "assistant", _("Assistant (助理级)")
    INTERMEDIATE = "intermediate", _("Intermediate (中级)")
    DEPUTY_SENIOR = "deputy_senior", _("Deputy senior (副高级)")
    SENIOR = "senior", _("Senior (正高级)")


class SkillLevel(models.TextChoices):
    """Level of a vocational skill certificate (职业技能等级)."""

    TECHNICIAN = "technician", _("Technician (技师)")
    SENIOR_TECHNICIAN = "senior_technician", _("Senior technician (高级技师)")


class Outcome(models.TextChoices):
    PASS = "pass", _("Met")
    FAIL = "fail", _("Not met")
    WAIVED = "waived", _("Waived")
    #: A step of someone else that is still ahead (the chairman's signature): neither met nor failed.
    PENDING = "pending", _("Pending")


#: The values of ``applications.models.Channel`` (not imported: this module reads no models).
DEDICATED = "dedicated"
REGULAR = "regular"
CHANNELS = (DEDICATED, REGULAR)

#: What the dedicated channel may waive (``RuleSet.waivable``).
WAIVABLE = ("education", "years", "training")

_DEGREE_RANK = {Degree.SECONDARY: 1, Degree.COLLEGE: 2, Degree.BACHELOR: 3, Degree.MASTER: 4, Degree.DOCTORATE: 5}
_TITLE_RANK = {TitleLevel.ASSISTANT: 1, TitleLevel.INTERMEDIATE: 2, TitleLevel.DEPUTY_SENIOR: 3, TitleLevel.SENIOR: 4}
_SKILL_RANK = {SkillLevel.TECHNICIAN: 1, SkillLevel.SENIOR_TECHNICIAN: 2}

SOURCE_EDUCATION = _(
    "人社部发〔2019〕16号《关于深化工程技术人才职称制度改革的指导意见》: education and years as the title below"
)
SOURCE_SKILL = _("人社部发〔2020〕80号: 技师 + 3 years may apply for 工程师, 高级技师 + 4 years for 高级工程师")
SOURCE_TRAINING = _(
    "《专业技术人员继续教育规定》(人社部令第25号): at least 90 hours (学时) a year, "
    "specialty subjects at least 2/3 of them"
)
SOURCE_NOMINATION = _(
    "Zaozhuang dedicated channel (专项通道): the chairman's signed nomination (董事长署名举荐制), "
    "破除“四唯”, thresholds on education, years and continuing education relaxed"
)


# --- Inputs ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Education:
    degree: str
    graduated_on: datetime.date


@dataclasses.dataclass(frozen=True)
class TitleHeld:
    series: str
    level: str
    granted_on: datetime.date


@dataclasses.dataclass(frozen=True)
class SkillHeld:
    level: str
    granted_on: datetime.date


@dataclasses.dataclass(frozen=True)
class TrainingYear:
    """Continuing education recognised for one calendar year (学时认定)."""

    year: int
    total_hours: int
    specialty_hours: int


@dataclasses.dataclass(frozen=True)
class Facts:
    """What is known of one applicant, as of the reference date."""

    educations: tuple[Education, ...] = ()
    titles: tuple[TitleHeld, ...] = ()
    skills: tuple[SkillHeld, ...] = ()
    training: tuple[TrainingYear, ...] = ()
    #: True once the chairman's nomination (董事长署名举荐) is signed.
    nominated: bool = False
    #: True while the chairman's step is still ahead, so that an unsigned nomination waits, not fails.
    nomination_pending: bool = False


@dataclasses.dataclass(frozen=True)
class RuleSet:
    """A batch's eligibility rules; defaults are the national rules. Stored as JSON (``to_dict``).

    Building one validates it and raises ``ValidationError`` with a message per field.
    """

    target_level: str = TitleLevel.DEPUTY_SENIOR.value
    channel: str = DEDICATED
    #: The series whose titles count (工程系列).
    series: str = "engineering"
    # Deputy senior (高级工程师), 人社部发〔2019〕16号.
    years_after_doctorate: int = 2
    years_after_master_or_bachelor: int = 5
    senior_technician_years: int = 4
    # Intermediate (工程师), 人社部发〔2019〕16号 and 〔2020〕80号.
    intermediate_years_after_master: int = 2
    intermediate_years_after_bachelor: int = 4
    technician_years: int = 3
    # Senior (正高级工程师), 人社部发〔2019〕16号.
    senior_years_after_deputy_senior: int = 5
    # Continuing education, 人社部令第25号.
    training_hours_per_year: int = HOURS_PER_YEAR
    #: The least share of specialty hours as (numerator, denominator), so that no float is involved.
    training_specialty_share: tuple[int, int] = SPECIALTY_SHARE
    #: How many full calendar years before the reference date are checked.
    training_years_checked: int = 3
    #: What the dedicated channel waives; ignored in the regular channel.
    waivable: tuple[str, ...] = WAIVABLE

    def __post_init__(self):
        errors = {}

        def refuse(name, message, value=None, **params):
            value = getattr(self, name) if value is None else value
            errors[name] = ValidationError(message, code="invalid", params={"value": value, **params})

        if self.target_level not in (TitleLevel.INTERMEDIATE, TitleLevel.DEPUTY_SENIOR, TitleLevel.SENIOR):
            refuse("target_level", _("Choose intermediate, deputy_senior or senior, not %(value)r."))
        if self.channel not in CHANNELS:
            refuse("channel", _("Choose dedicated or regular, not %(value)r."))
        if not isinstance(self.series, str) or not self.series:
            refuse("series", _("Give the series as a non-empty text, not %(value)r."))
        for field in dataclasses.fields(self):
            if field.type is int:
                value = getattr(self, field.name)
                minimum = 1 if field.name == "training_years_checked" else 0
                if type(value) is not int or value < minimum:
                    refuse(
                        field.name, _("Give a whole number of at least %(minimum)d, not %(value)r."), minimum=minimum
                    )
        share = self.training_specialty_share
        if not (
            isinstance(share, tuple)
            and len(share) == 2
            and all(type(part) is int for part in share)
            and 0 <= share[0] <= share[1]
            and share[1] > 0
        ):
            refuse(
                "training_specialty_share",
                _(
                    "Give the share as two whole numbers [numerator, denominator] with 0 ≤ numerator ≤ "
                    "denominator and denominator > 0, not %(value)r."
                ),
            )
        waivable = self.waivable
        if not (isinstance(waivable, tuple) and all(isinstance(name, str) for name in waivable)):
            refuse("waivable", _("Give a list of rule names, not %(value)r."))
        elif unknown := [name for name in waivable if name not in WAIVABLE]:
            refuse("waivable", _("Only education, years and training can be waived, not %(value)r."), unknown)
        elif len(set(waivable)) != len(waivable):
            refuse("waivable", _("Name each waived rule once, not %(value)r."))
        elif ("education" in waivable) != ("years" in waivable):
            refuse(
                "waivable",
                _("Education and years are waived together (the routes combine them), not %(value)r alone."),
                [name for name in waivable if name in ("education", "years")],
            )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_dict(cls, data):
        """Build from stored JSON; missing keys take the defaults, unknown keys are refused."""
        if not isinstance(data, dict):
            raise ValidationError(
                _("The rules must be a JSON object, not %(value)r."), code="invalid", params={"value": data}
            )
        names = {field.name for field in dataclasses.fields(cls)}
        if unknown := sorted(str(key) for key in data if key not in names):
            raise ValidationError(
                _("Unknown rule settings: %(names)s."), code="invalid", params={"names": ", ".join(unknown)}
            )
        values = dict(data)
        for name in ("training_specialty_share", "waivable"):
            if isinstance(values.get(name), list):
                values[name] = tuple(values[name])
        return cls(**values)

    def to_dict(self):
        """JSON-ready: tuples become lists."""
        return {
            name: list(value) if isinstance(value, tuple) else value for name, value in dataclasses.asdict(self).items()
        }


# --- Outputs --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RuleResult:
    code: str
    label: str
    outcome: str
    reason: str
    source: str = ""
    #: For a WAIVED result, what it would be without the waiver (PASS or FAIL); None otherwise.
    would_be: str | None = None
    #: The checks the outcome is derived from: routes of ``qualification`` (any), years of ``training`` (all).
    parts: tuple["RuleResult", ...] = ()

    @property
    def outcome_label(self):
        """What the result's badge says: the outcome, or for a pending step who it waits for."""
        if self.outcome == Outcome.PENDING and self.code in PENDING_LABELS:
            return PENDING_LABELS[self.code]
        return Outcome(self.outcome).label


@dataclasses.dataclass(frozen=True)
class Evaluation:
    results: tuple[RuleResult, ...]

    @property
    def eligible(self):
        return not self.blocking and not self.pending

    @property
    def blocking(self):
        return tuple(result for result in self.results if result.outcome == Outcome.FAIL)

    @property
    def pending(self):
        """The rules still waiting for someone's step (the chairman's signature); not failures."""
        return tuple(result for result in self.results if result.outcome == Outcome.PENDING)

    def result(self, code):
        """The top-level result with this code; KeyError if the rule was not evaluated."""
        for result in self.results:
            if result.code == code:
                return result
        raise KeyError(code)


# --- Calendar arithmetic --------------------------------------------------------------------------


class Span(typing.NamedTuple):
    years: int
    months: int


def add_months(day, months):
    """The same day ``months`` later, or the month's last day where it has no such day (31 Jan + 1 = 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_months_between(start, end):
    """Whole years and months from ``start`` to ``end``: N months are complete on ``add_months(start, N)``.

    So 5 years from 2019-03-15 are complete on 2024-03-15 and not on 2024-03-14; from 2020-02-29 one
    year is complete on 2021-02-28.
    """
    if end < start:
        raise ValueError("end is before start")
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return Span(*divmod(months, 12))


def format_span(years, months):
    """ "6 years 2 months" (Chinese: 6年2个月), "6 years", "2 months", "0 months", in the active language."""
    # Translators: Chinese "%(count)d年".
    years_text = ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    # Translators: Chinese "%(count)d个月".
    months_text = ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    if years and months:
        # Translators: Chinese "%(years)s%(months)s", without a space.
        return pgettext("span of years and months", "%(years)s %(months)s") % {
            "years": years_text,
            "months": months_text,
        }
    return years_text if years else months_text


# --- Lazy messages ---------------------------------------------------------------------------------


def _render(template, params):
    return str(template) % {name: str(value) if isinstance(value, Promise) else value for name, value in params.items()}


_lazy_render = lazy(_render, str)
_lazy_span = lazy(format_span, str)


def _text(template, **params):
    """``template % params``, rendered in the language active when it is shown."""
    return _lazy_render(template, params)


def _join(items):
    """Items of a list in a sentence."""

    def render():
        # Translators: separates the items of a list in a sentence; Chinese "；".
        return pgettext("list separator", "; ").join(str(item) for item in items)

    return lazy(render, str)()


def _sentences(items):
    """Whole sentences one after the other."""

    def render():
        # Translators: two whole sentences one after the other; Chinese "%(first)s%(second)s" (no space
        # after "。").
        pair = pgettext("two sentences", "%(first)s %(second)s")
        text = ""
        for item in items:
            text = pair % {"first": text, "second": item} if text else str(item)
        return text

    return lazy(render, str)()


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return str(value)


def _date(day):
    return day.isoformat()


# --- Rules ----------------------------------------------------------------------------------------

LABEL_NOMINATION = _("Chairman's nomination (董事长署名举荐)")
LABEL_QUALIFICATION = _("Education or skill, and years (申报资格)")
LABEL_EDUCATION_ROUTE = _("Education and years as the title below (学历资历)")
LABEL_SKILL_ROUTE = _("Skill certificate and years (技能贯通)")
LABEL_TRAINING = _("Continuing education (继续教育)")
#: The badge of a pending rule, by code (``RuleResult.outcome_label``).
PENDING_LABELS = {"nomination": _("Waiting for the chairman's signature (等待董事长署名)")}


def _education_route(ruleset):
    """(title that must be held, {degree: years required, None where no title is needed}) for the target level."""
    if ruleset.target_level == TitleLevel.INTERMEDIATE:
        return TitleLevel.ASSISTANT, {
            Degree.DOCTORATE: None,
            Degree.MASTER: ruleset.intermediate_years_after_master,
            Degree.BACHELOR: ruleset.intermediate_years_after_bachelor,
        }
    if ruleset.target_level == TitleLevel.DEPUTY_SENIOR:
        return TitleLevel.INTERMEDIATE, {
            Degree.DOCTORATE: ruleset.years_after_doctorate,
            Degree.MASTER: ruleset.years_after_master_or_bachelor,
            Degree.BACHELOR: ruleset.years_after_master_or_bachelor,
        }
    years = ruleset.senior_years_after_deputy_senior
    return TitleLevel.DEPUTY_SENIOR, {Degree.DOCTORATE: years, Degree.MASTER: years, Degree.BACHELOR: years}


def _skill_route(ruleset):
    """(skill that must be held, years required), or None where there is no skill route."""
    if ruleset.target_level == TitleLevel.INTERMEDIATE:
        return SkillLevel.TECHNICIAN, ruleset.technician_years
    if ruleset.target_level == TitleLevel.DEPUTY_SENIOR:
        return SkillLevel.SENIOR_TECHNICIAN, ruleset.senior_technician_years
    return None


def _earliest(records, ranks, level, on):
    """The earliest grant date among records of ``level`` or higher granted by ``on``."""
    dates = [
        record.granted_on
        for record in records
        if ranks.get(record.level, 0) >= ranks[level] and record.granted_on <= on
    ]
    return min(dates, default=None)


def _held_for(label, since, required, on, *, prefix=None):
    """PASS/FAIL and the reason for holding something ``required`` years since ``since``."""
    span = years_months_between(since, on)
    params = {"held": label, "date": _date(since), "elapsed": _lazy_span(*span), "required": _lazy_span(required, 0)}
    if span.years >= required:
        reason = _text(_("%(held)s held since %(date)s: %(elapsed)s, at least %(required)s needed."), **params)
        outcome = Outcome.PASS
    else:
        reason = _text(_("%(held)s held since %(date)s: only %(elapsed)s, at least %(required)s needed."), **params)
        outcome = Outcome.FAIL
    if prefix is not None:
        reason = _text(_("%(degree)s; %(rest)s"), degree=prefix, rest=reason)
    return outcome, reason


def _result_builder(code, label, source):
    def build(outcome, reason, **extra):
        return RuleResult(code=code, label=label, outcome=outcome, reason=reason, source=source, **extra)

    return build


def _check_education_route(facts, ruleset, on):
    title_level, years_by_degree = _education_route(ruleset)
    result = _result_builder("qualification.education", LABEL_EDUCATION_ROUTE, SOURCE_EDUCATION)
    held = [
        education for education in facts.educations if education.degree in _DEGREE_RANK and education.graduated_on <= on
    ]
    best = max(held, key=lambda education: _DEGREE_RANK[education.degree], default=None)
    lowest = min(years_by_degree, key=_DEGREE_RANK.__getitem__)
    if best is None or best.degree not in years_by_degree:
        if best is None:
            reason = _text(_("Needs at least: %(lowest)s; no degree recorded."), lowest=_label(Degree, lowest))
        else:
            reason = _text(
                _("Needs at least: %(lowest)s; highest degree held: %(held)s."),
                lowest=_label(Degree, lowest),
                held=_label(Degree, best.degree),
            )
        return result(Outcome.FAIL, reason)
    degree_label = _label(Degree, best.degree)
    required = years_by_degree[best.degree]
    if required is None:
        return result(Outcome.PASS, _text(_("%(degree)s: no title or years required."), degree=degree_label))
    title_label = _label(TitleLevel, title_level)
    since = _earliest([title for title in facts.titles if title.series == ruleset.series], _TITLE_RANK, title_level, on)
    if since is None:
        reason = _text(
            _("%(degree)s; no %(title)s title (or higher) in this series; %(required)s holding one needed."),
            degree=degree_label,
            title=title_label,
            required=_lazy_span(required, 0),
        )
        return result(Outcome.FAIL, reason)
    title_text = _text(_("%(title)s title"), title=title_label)
    return result(*_held_for(title_text, since, required, on, prefix=degree_label))


def _check_skill_route(facts, ruleset, on):
    level, required = _skill_route(ruleset)
    result = _result_builder("qualification.skill", LABEL_SKILL_ROUTE, SOURCE_SKILL)
    label = _label(SkillLevel, level)
    since = _earliest(facts.skills, _SKILL_RANK, level, on)
    if since is None:
        reason = _text(
            _("No %(skill)s certificate (or higher); %(required)s holding one needed."),
            skill=label,
            required=_lazy_span(required, 0),
        )
        return result(Outcome.FAIL, reason)
    return result(*_held_for(_text(_("%(skill)s certificate"), skill=label), since, required, on))


def _check_qualification(facts, ruleset, on):
    routes = [_check_education_route(facts, ruleset, on)]
    if _skill_route(ruleset) is not None:
        routes.append(_check_skill_route(facts, ruleset, on))
    met = [route for route in routes if route.outcome == Outcome.PASS]
    not_met = _sentences(
        [_text(_("%(route)s: %(reason)s"), route=r.label, reason=r.reason) for r in routes if r.outcome != Outcome.PASS]
    )
    if not met:
        outcome = Outcome.FAIL
        reason = _text(_("No route is met. %(not_met)s"), not_met=not_met)
    elif len(met) < len(routes):
        outcome = Outcome.PASS
        reason = _text(
            _("Met through: %(routes)s. Not met: %(not_met)s"),
            routes=_join([route.label for route in met]),
            not_met=not_met,
        )
    else:
        outcome = Outcome.PASS
        reason = _text(_("Met through: %(routes)s."), routes=_join([route.label for route in met]))
    return RuleResult(
        code="qualification",
        label=LABEL_QUALIFICATION,
        outcome=outcome,
        reason=reason,
        source=_join([SOURCE_EDUCATION, SOURCE_SKILL]) if len(routes) > 1 else SOURCE_EDUCATION,
        parts=tuple(routes),
    )


def _check_training_year(year, records, ruleset):
    result = _result_builder(f"training.{year}", _text(_("Year %(year)d"), year=year), SOURCE_TRAINING)
    if not records:
        return result(Outcome.FAIL, _text(_("%(year)d: no record, not met"), year=year))
    total = sum(record.total_hours for record in records)
    specialty = sum(record.specialty_hours for record in records)
    numerator, denominator = ruleset.training_specialty_share
    params = {
        "year": year,
        "total": total,
        "specialty": specialty,
        "required": ruleset.training_hours_per_year,
        "numerator": numerator,
        "denominator": denominator,
    }
    if total < ruleset.training_hours_per_year:
        return result(
            Outcome.FAIL,
            _text(_("%(year)d: %(total)d hours, fewer than %(required)d, not met"), **params),
        )
    if not specialty_share_met(total, specialty, ruleset.training_specialty_share):
        return result(
            Outcome.FAIL,
            _text(
                _(
                    "%(year)d: %(specialty)d of %(total)d hours in specialty subjects, less than "
                    "%(numerator)d/%(denominator)d, not met"
                ),
                **params,
            ),
        )
    return result(
        Outcome.PASS,
        _text(_("%(year)d: %(total)d hours, %(specialty)d of them in specialty subjects, met"), **params),
    )


def _check_training(facts, ruleset, on):
    years = range(on.year - ruleset.training_years_checked, on.year)
    parts = tuple(
        _check_training_year(year, [record for record in facts.training if record.year == year], ruleset)
        for year in years
    )
    numerator, denominator = ruleset.training_specialty_share
    outcome = Outcome.FAIL if any(part.outcome == Outcome.FAIL for part in parts) else Outcome.PASS
    reason = _text(
        _(
            "%(years)s. Needed each year: at least %(hours)d hours, at least %(numerator)d/%(denominator)d "
            "of them in specialty subjects."
        ),
        years=_join([part.reason for part in parts]),
        hours=ruleset.training_hours_per_year,
        numerator=numerator,
        denominator=denominator,
    )
    return RuleResult(
        code="training", label=LABEL_TRAINING, outcome=outcome, reason=reason, source=SOURCE_TRAINING, parts=parts
    )


def _check_nomination(facts):
    if facts.nominated:
        outcome, reason = Outcome.PASS, _("The chairman signed the nomination.")
    elif facts.nomination_pending:
        outcome, reason = (
            Outcome.PENDING,
            _(
                "The chairman signs the nomination once the application is submitted to the enterprise; "
                "nothing is missing yet."
            ),
        )
    else:
        outcome, reason = Outcome.FAIL, _("The dedicated channel needs the chairman's signed nomination.")
    return RuleResult(
        code="nomination", label=LABEL_NOMINATION, outcome=outcome, reason=reason, source=SOURCE_NOMINATION
    )


def _waive(result, *, nominated):
    """The same rule shown as WAIVED, with what it would have been."""
    if nominated:
        if result.outcome == Outcome.PASS:
            template = _(
                "Waived by the chairman's nomination under the dedicated channel (破除“四唯”); "
                "would be met anyway: %(reason)s"
            )
        else:
            template = _(
                "Waived by the chairman's nomination under the dedicated channel (破除“四唯”); "
                "would not be met: %(reason)s"
            )
    elif result.outcome == Outcome.PASS:
        template = _(
            "Waived once the chairman signs the nomination (dedicated channel); would be met anyway: %(reason)s"
        )
    else:
        template = _("Waived once the chairman signs the nomination (dedicated channel); would not be met: %(reason)s")
    return dataclasses.replace(
        result, outcome=Outcome.WAIVED, would_be=result.outcome, reason=_text(template, reason=result.reason)
    )


def evaluate(*, facts, ruleset, on):
    """Every rule of ``ruleset`` applied to ``facts`` as of the date ``on``; see the module docstring."""
    dedicated = ruleset.channel == DEDICATED
    waived = set(ruleset.waivable) if dedicated else set()
    results = []
    if dedicated:
        results.append(_check_nomination(facts))
    qualification = _check_qualification(facts, ruleset, on)
    if {"education", "years"} <= waived:
        qualification = _waive(qualification, nominated=facts.nominated)
    results.append(qualification)
    training = _check_training(facts, ruleset, on)
    if "training" in waived:
        training = _waive(training, nominated=facts.nominated)
    results.append(training)
    return Evaluation(results=tuple(results))
