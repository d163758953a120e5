"""The eligibility rule engine: routes, boundaries of years and hours, waivers, the rule set as JSON."""

import dataclasses
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from applications.eligibility import (
    DEDICATED,
    REGULAR,
    Degree,
    Education,
    Facts,
    Outcome,
    RuleSet,
    SkillHeld,
    SkillLevel,
    Span,
    TitleHeld,
    TitleLevel,
    TrainingYear,
    add_months,
    evaluate,
    format_span,
    years_months_between,
)

D = datetime.date
ON = D(2025, 6, 30)
#: Three full years of continuing education before ON, each exactly at the thresholds.
GOOD_TRAINING = tuple(TrainingYear(year=year, total_hours=90, specialty_hours=60) for year in (2022, 2023, 2024))
REGULAR_DEPUTY = RuleSet(channel=REGULAR)


def engineer(granted_on, *, series="engineering", level=TitleLevel.INTERMEDIATE):
    return TitleHeld(series=series, level=level, granted_on=granted_on)


GRADUATED = D(2005, 7, 1)


def graduate(degree, graduated_on=GRADUATED):
    return Education(degree=degree, graduated_on=graduated_on)


def facts(**overrides):
    values = {"educations": (), "titles": (), "skills": (), "training": GOOD_TRAINING, "nominated": False}
    return Facts(**(values | overrides))


def en(text):
    with translation.override("en"):
        return str(text)


def outcomes(evaluation):
    return {result.code: result.outcome for result in evaluation.results}


def part(result, code):
    (found,) = [p for p in result.parts if p.code == code]
    return found


# --- Calendar arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2020, 3, 15), D(2025, 3, 15), Span(5, 0)),
        (D(2020, 3, 15), D(2025, 3, 14), Span(4, 11)),
        (D(2020, 3, 15), D(2020, 3, 15), Span(0, 0)),
        (D(2020, 1, 31), D(2020, 2, 29), Span(0, 1)),  # no 31 February: the month's last day completes it
        (D(2021, 1, 31), D(2021, 2, 27), Span(0, 0)),
        (D(2020, 2, 29), D(2021, 2, 28), Span(1, 0)),  # 民法典 第二百零三条: month-end where no such day
        (D(2020, 2, 29), D(2021, 2, 27), Span(0, 11)),
        (D(2020, 2, 29), D(2024, 2, 28), Span(3, 11)),  # a leap year has its 29 February again
        (D(2020, 2, 29), D(2024, 2, 29), Span(4, 0)),
        (D(2019, 1, 1), D(2025, 3, 5), Span(6, 2)),
    ],
)
def test_years_months_between_counts_whole_calendar_months(start, end, expected):
    assert years_months_between(start, end) == expected


def test_years_months_between_refuses_an_end_before_the_start():
    with pytest.raises(ValueError, match="before"):
        years_months_between(D(2025, 1, 2), D(2025, 1, 1))


def test_add_months_clamps_to_the_last_day_of_a_shorter_month():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2024, 12, 15), 1) == D(2025, 1, 15)
    assert add_months(D(2020, 2, 29), 12) == D(2021, 2, 28)


@given(start=st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 1, 1)), days=st.integers(0, 20000))
def test_years_months_between_is_the_largest_span_reached(start, days):
    end = start + datetime.timedelta(days=days)
    span = years_months_between(start, end)
    months = span.years * 12 + span.months
    assert 0 <= span.months < 12
    assert add_months(start, months) <= end < add_months(start, months + 1)


@pytest.mark.parametrize(
    ("years", "months", "expected"),
    [(6, 2, "6 years 2 months"), (1, 1, "1 year 1 month"), (5, 0, "5 years"), (0, 3, "3 months"), (0, 0, "0 months")],
)
def test_format_span_in_english(years, months, expected):
    with translation.override("en"):
        assert format_span(years, months) == expected


def test_format_span_renders_in_chinese():
    with translation.override("zh-hans"):
        assert "6" in format_span(6, 2)
        assert "2" in format_span(6, 2)


# --- Route A: education and years as 工程师, for 高级工程师 ------------------------------------------------


@pytest.mark.parametrize("degree", [Degree.MASTER, Degree.BACHELOR])
def test_master_or_bachelor_with_exactly_five_years_as_engineer_is_met(degree):
    evaluation = evaluate(
        facts=facts(educations=(graduate(degree),), titles=(engineer(D(2020, 6, 30)),)), ruleset=REGULAR_DEPUTY, on=ON
    )

    route = part(evaluation.result("qualification"), "qualification.education")
    assert route.outcome == Outcome.PASS
    assert evaluation.eligible is True
    assert en(route.reason) == (
        f"{en(degree.label)}; Intermediate (中级) title held since 2020-06-30: 5 years, at least 5 years needed."
    )


@pytest.mark.parametrize("granted_on", [D(2020, 7, 1), D(2020, 12, 31)])
def test_bachelor_one_day_or_more_short_of_five_years_is_not_met(granted_on):
    evaluation = evaluate(
        facts=facts(educations=(graduate(Degree.BACHELOR),), titles=(engineer(granted_on),)),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )

    qualification = evaluation.result("qualification")
    assert qualification.outcome == Outcome.FAIL
    assert evaluation.eligible is False
    assert evaluation.blocking == (qualification,)
    assert "only 4 years" in en(part(qualification, "qualification.education").reason)


def test_bachelor_reason_reports_years_and_months_like_the_issue():
    evaluation = evaluate(
        facts=facts(educations=(graduate(Degree.BACHELOR),), titles=(engineer(D(2019, 4, 10)),)),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )

    reason = en(part(evaluation.result("qualification"), "qualification.education").reason)
    assert reason == (
        "Bachelor's degree (大学本科); Intermediate (中级) title held since 2019-04-10: 6 years 2 months, "
        "at least 5 years needed."
    )


def test_doctorate_needs_two_years_as_engineer():
    phd = (graduate(Degree.DOCTORATE),)
    exactly = evaluate(facts=facts(educations=phd, titles=(engineer(D(2023, 6, 30)),)), ruleset=REGULAR_DEPUTY, on=ON)
    short = evaluate(facts=facts(educations=phd, titles=(engineer(D(2023, 7, 1)),)), ruleset=REGULAR_DEPUTY, on=ON)

    assert exactly.result("qualification").outcome == Outcome.PASS
    assert short.result("qualification").outcome == Outcome.FAIL
    assert "only 1 year 11 months, at least 2 years needed" in en(
        part(short.result("qualification"), "qualification.education").reason
    )


def test_the_highest_degree_sets_the_years_needed():
    evaluation = evaluate(
        facts=facts(
            educations=(graduate(Degree.BACHELOR), graduate(Degree.DOCTORATE, D(2015, 7, 1))),
            titles=(engineer(D(2022, 1, 1)),),
        ),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )

    assert evaluation.result("qualification").outcome == Outcome.PASS


def test_a_degree_not_yet_obtained_on_the_reference_date_does_not_count():
    evaluation = evaluate(
        facts=facts(
            educations=(graduate(Degree.BACHELOR), graduate(Degree.DOCTORATE, D(2025, 7, 1))),
            titles=(engineer(D(2022, 1, 1)),),
        ),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )

    reason = en(part(evaluation.result("qualification"), "qualification.education").reason)
    assert reason.startswith("Bachelor's degree (大学本科);")
    assert "only 3 years 5 months, at least 5 years needed" in reason


@pytest.mark.parametrize(
    ("educations", "expected"),
    [
        ((), "Needs at least: Bachelor's degree (大学本科); no degree recorded."),
        (
            (graduate(Degree.COLLEGE),),
            "Needs at least: Bachelor's degree (大学本科); highest degree held: College diploma (大学专科).",
        ),
        ((graduate("unknown"),), "Needs at least: Bachelor's degree (大学本科); no degree recorded."),
    ],
)
def test_education_route_needs_a_bachelors_degree_for_deputy_senior(educations, expected):
    evaluation = evaluate(
        facts=facts(educations=educations, titles=(engineer(D(2010, 1, 1)),)), ruleset=REGULAR_DEPUTY, on=ON
    )

    route = part(evaluation.result("qualification"), "qualification.education")
    assert route.outcome == Outcome.FAIL
    assert en(route.reason) == expected


def test_education_route_without_an_engineer_title_is_not_met():
    evaluation = evaluate(
        facts=facts(
            educations=(graduate(Degree.MASTER),),
            titles=(
                engineer(D(2010, 1, 1), level=TitleLevel.ASSISTANT),
                engineer(D(2010, 1, 1), series="economics"),
                engineer(D(2025, 7, 1)),  # granted after the reference date
            ),
        ),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )

    route = part(evaluation.result("qualification"), "qualification.education")
    assert route.outcome == Outcome.FAIL
    assert en(route.reason) == (
        "Master's degree (硕士研究生); no Intermediate (中级) title (or higher) in this series; "
        "5 years holding one needed."
    )


def test_years_count_from_the_earliest_title_at_or_above_the_level():
    evaluation = evaluate(
        facts=facts(
            educations=(graduate(Degree.BACHELOR),),
            titles=(engineer(D(2022, 1, 1)), engineer(D(2019, 1, 1), level=TitleLevel.DEPUTY_SENIOR)),
        ),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )

    route = part(evaluation.result("qualification"), "qualification.education")
    assert route.outcome == Outcome.PASS
    assert "since 2019-01-01: 6 years 5 months" in en(route.reason)


# --- Route B: skill certificates ---------------------------------------------------------------------


def test_senior_technician_exactly_four_years_is_met_and_one_day_short_is_not():
    exactly = evaluate(
        facts=facts(skills=(SkillHeld(level=SkillLevel.SENIOR_TECHNICIAN, granted_on=D(2021, 6, 30)),)),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )
    short = evaluate(
        facts=facts(skills=(SkillHeld(level=SkillLevel.SENIOR_TECHNICIAN, granted_on=D(2021, 7, 1)),)),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )

    assert exactly.result("qualification").outcome == Outcome.PASS
    assert en(exactly.result("qualification").reason).startswith(
        "Met through: Skill certificate and years (技能贯通). Not met: Education and years as the title below"
    )
    assert en(part(exactly.result("qualification"), "qualification.skill").reason) == (
        "Senior technician (高级技师) certificate held since 2021-06-30: 4 years, at least 4 years needed."
    )
    assert short.result("qualification").outcome == Outcome.FAIL
    assert en(part(short.result("qualification"), "qualification.skill").reason) == (
        "Senior technician (高级技师) certificate held since 2021-07-01: only 3 years 11 months, "
        "at least 4 years needed."
    )


def test_a_technician_certificate_does_not_open_the_deputy_senior_skill_route():
    evaluation = evaluate(
        facts=facts(skills=(SkillHeld(level=SkillLevel.TECHNICIAN, granted_on=D(2010, 1, 1)),)),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )

    route = part(evaluation.result("qualification"), "qualification.skill")
    assert route.outcome == Outcome.FAIL
    assert en(route.reason) == ("No Senior technician (高级技师) certificate (or higher); 4 years holding one needed.")


def test_qualification_names_every_route_met_and_why_the_others_are_not():
    both = evaluate(
        facts=facts(
            educations=(graduate(Degree.BACHELOR),),
            titles=(engineer(D(2015, 1, 1)),),
            skills=(SkillHeld(level=SkillLevel.SENIOR_TECHNICIAN, granted_on=D(2015, 1, 1)),),
        ),
        ruleset=REGULAR_DEPUTY,
        on=ON,
    )
    neither = evaluate(facts=facts(), ruleset=REGULAR_DEPUTY, on=ON)

    assert [p.code for p in both.result("qualification").parts] == ["qualification.education", "qualification.skill"]
    assert en(both.result("qualification").reason) == (
        "Met through: Education and years as the title below (学历资历); Skill certificate and years (技能贯通)."
    )
    assert neither.result("qualification").outcome == Outcome.FAIL
    assert en(neither.result("qualification").reason) == (
        "No route is met. Education and years as the title below (学历资历): Needs at least: Bachelor's degree "
        "(大学本科); no degree recorded. Skill certificate and years (技能贯通): No Senior technician (高级技师) "
        "certificate (or higher); 4 years holding one needed."
    )


# --- Other target levels ------------------------------------------------------------------------------

INTERMEDIATE = RuleSet(channel=REGULAR, target_level=TitleLevel.INTERMEDIATE)


def assistant(granted_on):
    return engineer(granted_on, level=TitleLevel.ASSISTANT)


@pytest.mark.parametrize(
    ("degree", "granted_on", "expected"),
    [
        (Degree.MASTER, D(2023, 6, 30), Outcome.PASS),
        (Degree.MASTER, D(2023, 7, 1), Outcome.FAIL),
        (Degree.BACHELOR, D(2021, 6, 30), Outcome.PASS),
        (Degree.BACHELOR, D(2021, 7, 1), Outcome.FAIL),
    ],
)
def test_intermediate_target_years_holding_an_assistant_title(degree, granted_on, expected):
    evaluation = evaluate(
        facts=facts(educations=(graduate(degree),), titles=(assistant(granted_on),)), ruleset=INTERMEDIATE, on=ON
    )

    assert part(evaluation.result("qualification"), "qualification.education").outcome == expected


def test_intermediate_target_a_doctorate_needs_no_years():
    evaluation = evaluate(facts=facts(educations=(graduate(Degree.DOCTORATE),)), ruleset=INTERMEDIATE, on=ON)

    route = part(evaluation.result("qualification"), "qualification.education")
    assert route.outcome == Outcome.PASS
    assert en(route.reason) == "Doctorate (博士研究生): no title or years required."


def test_intermediate_target_technician_three_years_and_senior_technician_counts_as_technician():
    exactly = evaluate(
        facts=facts(skills=(SkillHeld(level=SkillLevel.TECHNICIAN, granted_on=D(2022, 6, 30)),)),
        ruleset=INTERMEDIATE,
        on=ON,
    )
    short = evaluate(
        facts=facts(skills=(SkillHeld(level=SkillLevel.TECHNICIAN, granted_on=D(2022, 7, 1)),)),
        ruleset=INTERMEDIATE,
        on=ON,
    )
    higher = evaluate(
        facts=facts(skills=(SkillHeld(level=SkillLevel.SENIOR_TECHNICIAN, granted_on=D(2020, 1, 1)),)),
        ruleset=INTERMEDIATE,
        on=ON,
    )

    assert exactly.result("qualification").outcome == Outcome.PASS
    assert short.result("qualification").outcome == Outcome.FAIL
    assert higher.result("qualification").outcome == Outcome.PASS


def test_senior_target_has_only_the_education_route():
    ruleset = RuleSet(channel=REGULAR, target_level=TitleLevel.SENIOR)
    deputy = engineer(D(2020, 6, 30), level=TitleLevel.DEPUTY_SENIOR)

    met = evaluate(facts=facts(educations=(graduate(Degree.BACHELOR),), titles=(deputy,)), ruleset=ruleset, on=ON)
    college = evaluate(facts=facts(educations=(graduate(Degree.COLLEGE),), titles=(deputy,)), ruleset=ruleset, on=ON)

    assert [p.code for p in met.result("qualification").parts] == ["qualification.education"]
    assert met.result("qualification").outcome == Outcome.PASS
    assert college.result("qualification").outcome == Outcome.FAIL


def test_one_year_needed_reads_in_the_singular_and_zero_years_still_needs_the_title():
    one = dataclasses.replace(REGULAR_DEPUTY, years_after_doctorate=1)
    zero = dataclasses.replace(REGULAR_DEPUTY, years_after_doctorate=0)
    phd = (graduate(Degree.DOCTORATE),)

    short = evaluate(facts=facts(educations=phd, titles=(engineer(D(2025, 1, 1)),)), ruleset=one, on=ON)
    no_title = evaluate(facts=facts(educations=phd), ruleset=zero, on=ON)
    same_day = evaluate(facts=facts(educations=phd, titles=(engineer(ON),)), ruleset=zero, on=ON)

    assert en(short.result("qualification").parts[0].reason).endswith("only 5 months, at least 1 year needed.")
    assert no_title.result("qualification").outcome == Outcome.FAIL
    assert same_day.result("qualification").outcome == Outcome.PASS


def test_the_years_needed_come_from_the_rule_set():
    ruleset = dataclasses.replace(REGULAR_DEPUTY, years_after_master_or_bachelor=6)
    evaluation = evaluate(
        facts=facts(educations=(graduate(Degree.BACHELOR),), titles=(engineer(D(2019, 7, 1)),)), ruleset=ruleset, on=ON
    )

    assert evaluation.result("qualification").outcome == Outcome.FAIL
    assert "only 5 years 11 months, at least 6 years needed" in en(evaluation.result("qualification").reason)


# --- Continuing education -----------------------------------------------------------------------------

QUALIFIED = {"educations": (graduate(Degree.BACHELOR),), "titles": (engineer(D(2010, 1, 1)),)}


def training_with(year_2023):
    return (GOOD_TRAINING[0], year_2023, GOOD_TRAINING[2])


def test_training_at_exactly_ninety_hours_and_two_thirds_is_met():
    evaluation = evaluate(facts=facts(**QUALIFIED), ruleset=REGULAR_DEPUTY, on=ON)

    training = evaluation.result("training")
    assert training.outcome == Outcome.PASS
    assert [p.code for p in training.parts] == ["training.2022", "training.2023", "training.2024"]
    assert en(training.reason) == (
        "2022: 90 hours, 60 of them in specialty subjects, met; 2023: 90 hours, 60 of them in specialty subjects, "
        "met; 2024: 90 hours, 60 of them in specialty subjects, met. Needed each year: at least 90 hours, "
        "at least 2/3 of them in specialty subjects."
    )
    assert evaluation.eligible is True


@pytest.mark.parametrize(
    ("year_2023", "expected"),
    [
        (TrainingYear(2023, 89, 89), "2023: 89 hours, fewer than 90, not met"),
        (TrainingYear(2023, 90, 59), "2023: 59 of 90 hours in specialty subjects, less than 2/3, not met"),
        (TrainingYear(2023, 120, 79), "2023: 79 of 120 hours in specialty subjects, less than 2/3, not met"),
    ],
)
def test_training_short_of_hours_or_share_is_not_met(year_2023, expected):
    evaluation = evaluate(facts=facts(**QUALIFIED, training=training_with(year_2023)), ruleset=REGULAR_DEPUTY, on=ON)

    training = evaluation.result("training")
    assert training.outcome == Outcome.FAIL
    assert en(part(training, "training.2023").reason) == expected
    assert part(training, "training.2022").outcome == Outcome.PASS
    assert evaluation.blocking == (training,)


def test_training_share_is_exact_without_floats():
    evaluation = evaluate(
        facts=facts(**QUALIFIED, training=training_with(TrainingYear(2023, 120, 80))), ruleset=REGULAR_DEPUTY, on=ON
    )

    assert evaluation.result("training").outcome == Outcome.PASS


def test_a_missing_training_year_is_named():
    evaluation = evaluate(
        facts=facts(**QUALIFIED, training=(GOOD_TRAINING[0], GOOD_TRAINING[2])), ruleset=REGULAR_DEPUTY, on=ON
    )

    training = evaluation.result("training")
    assert training.outcome == Outcome.FAIL
    assert en(part(training, "training.2023").reason) == "2023: no record, not met"
    assert "2023: no record, not met" in en(training.reason)


def test_training_checks_the_full_years_before_the_reference_date_only():
    on_new_year = D(2025, 1, 1)
    current_year_only = (TrainingYear(2025, 200, 200),)
    evaluation = evaluate(
        facts=facts(**QUALIFIED, training=(*GOOD_TRAINING, *current_year_only)), ruleset=REGULAR_DEPUTY, on=on_new_year
    )
    fewer = dataclasses.replace(REGULAR_DEPUTY, training_years_checked=1, training_hours_per_year=100)
    last_year_only = evaluate(
        facts=facts(**QUALIFIED, training=(TrainingYear(2024, 100, 67),)), ruleset=fewer, on=on_new_year
    )

    assert [p.code for p in evaluation.result("training").parts] == ["training.2022", "training.2023", "training.2024"]
    assert evaluation.result("training").outcome == Outcome.PASS
    assert [p.code for p in last_year_only.result("training").parts] == ["training.2024"]
    assert last_year_only.result("training").outcome == Outcome.PASS


def test_two_records_of_one_year_are_added_up():
    split = (GOOD_TRAINING[0], TrainingYear(2023, 50, 30), TrainingYear(2023, 40, 30), GOOD_TRAINING[2])
    evaluation = evaluate(facts=facts(**QUALIFIED, training=split), ruleset=REGULAR_DEPUTY, on=ON)

    assert en(part(evaluation.result("training"), "training.2023").reason) == (
        "2023: 90 hours, 60 of them in specialty subjects, met"
    )


# --- Dedicated channel ---------------------------------------------------------------------------------

DEDICATED_DEPUTY = RuleSet(channel=DEDICATED)


def test_dedicated_channel_nominated_waives_education_years_and_training_showing_what_they_would_be():
    evaluation = evaluate(facts=facts(training=(), nominated=True), ruleset=DEDICATED_DEPUTY, on=ON)

    assert outcomes(evaluation) == {
        "nomination": Outcome.PASS,
        "qualification": Outcome.WAIVED,
        "training": Outcome.WAIVED,
    }
    assert evaluation.eligible is True
    assert evaluation.blocking == ()
    qualification = evaluation.result("qualification")
    assert qualification.would_be == Outcome.FAIL
    assert en(qualification.reason).startswith(
        "Waived by the chairman's nomination under the dedicated channel (破除“四唯”); would not be met: "
        "No route is met."
    )
    assert len(qualification.parts) == 2
    assert en(evaluation.result("nomination").reason) == "The chairman signed the nomination."


def test_dedicated_channel_says_when_a_waived_rule_would_be_met_anyway():
    evaluation = evaluate(facts=facts(**QUALIFIED, nominated=True), ruleset=DEDICATED_DEPUTY, on=ON)

    training = evaluation.result("training")
    assert training.outcome == Outcome.WAIVED
    assert training.would_be == Outcome.PASS
    assert "would be met anyway: 2022: 90 hours" in en(training.reason)


def test_dedicated_channel_while_the_chairman_step_is_ahead_the_nomination_is_pending_not_failed():
    evaluation = evaluate(
        facts=facts(**QUALIFIED, nominated=False, nomination_pending=True), ruleset=DEDICATED_DEPUTY, on=ON
    )

    nomination = evaluation.result("nomination")
    assert nomination.outcome == Outcome.PENDING
    assert evaluation.blocking == ()
    assert evaluation.pending == (nomination,)
    assert evaluation.eligible is False
    assert en(nomination.outcome_label) == "Waiting for the chairman's signature (等待董事长署名)"
    with translation.override("zh-hans"):
        assert str(nomination.outcome_label) == "等待董事长署名"
    assert en(evaluation.result("training").outcome_label) == "Waived"


def test_dedicated_channel_signed_nomination_is_met_even_while_pending_is_set():
    evaluation = evaluate(
        facts=facts(**QUALIFIED, nominated=True, nomination_pending=True), ruleset=DEDICATED_DEPUTY, on=ON
    )

    assert evaluation.result("nomination").outcome == Outcome.PASS
    assert evaluation.eligible is True


def test_dedicated_channel_before_the_nomination_is_not_eligible_but_shows_the_waivers():
    evaluation = evaluate(facts=facts(**QUALIFIED, nominated=False), ruleset=DEDICATED_DEPUTY, on=ON)

    nomination = evaluation.result("nomination")
    assert outcomes(evaluation) == {
        "nomination": Outcome.FAIL,
        "qualification": Outcome.WAIVED,
        "training": Outcome.WAIVED,
    }
    assert evaluation.eligible is False
    assert evaluation.blocking == (nomination,)
    assert en(nomination.reason) == "The dedicated channel needs the chairman's signed nomination."
    assert en(evaluation.result("qualification").reason).startswith(
        "Waived once the chairman signs the nomination (dedicated channel); would be met anyway: Met through:"
    )


def test_dedicated_channel_applies_rules_that_are_not_waivable():
    ruleset = dataclasses.replace(DEDICATED_DEPUTY, waivable=("education", "years"))
    evaluation = evaluate(facts=facts(training=(), nominated=True), ruleset=ruleset, on=ON)

    assert outcomes(evaluation) == {
        "nomination": Outcome.PASS,
        "qualification": Outcome.WAIVED,
        "training": Outcome.FAIL,
    }
    assert evaluation.eligible is False


def test_regular_channel_waives_nothing_and_needs_no_nomination():
    evaluation = evaluate(facts=facts(training=(), nominated=True), ruleset=REGULAR_DEPUTY, on=ON)

    assert outcomes(evaluation) == {"qualification": Outcome.FAIL, "training": Outcome.FAIL}
    assert all(result.would_be is None for result in evaluation.results)


def test_every_rule_cites_its_source():
    evaluation = evaluate(facts=facts(nominated=True), ruleset=DEDICATED_DEPUTY, on=ON)

    sources = {result.code: en(result.source) for result in evaluation.results}
    assert "董事长署名举荐" in sources["nomination"]
    assert "人社部发〔2019〕16号" in sources["qualification"]
    assert "人社部发〔2020〕80号" in sources["qualification"]
    assert "《专业技术人员继续教育规定》" in sources["training"]
    assert all(en(p.source) for result in evaluation.results for p in result.parts)


def test_evaluation_result_raises_for_a_rule_not_evaluated():
    evaluation = evaluate(facts=facts(), ruleset=REGULAR_DEPUTY, on=ON)

    with pytest.raises(KeyError):
        evaluation.result("nomination")


# --- Languages -----------------------------------------------------------------------------------------


def test_labels_and_reasons_render_in_the_language_active_when_shown():
    evaluation = evaluate(facts=facts(**QUALIFIED, nominated=True), ruleset=DEDICATED_DEPUTY, on=ON)

    with translation.override("zh-hans"):
        chinese = [str(text) for r in evaluation.results for text in (r.label, r.reason, r.source, r.outcome.label)]
        chinese += [str(p.reason) for r in evaluation.results for p in r.parts]
    with translation.override("en"):
        english = [str(text) for r in evaluation.results for text in (r.label, r.reason, r.source, r.outcome.label)]

    assert all(chinese)
    assert english[:4] == [
        "Chairman's nomination (董事长署名举荐)",
        "The chairman signed the nomination.",
        en(evaluation.result("nomination").source),
        "Met",
    ]


def test_choices_have_chinese_terms_in_their_labels():
    assert en(Degree.COLLEGE.label) == "College diploma (大学专科)"
    assert en(TitleLevel.DEPUTY_SENIOR.label) == "Deputy senior (副高级)"
    assert en(SkillLevel.SENIOR_TECHNICIAN.label) == "Senior technician (高级技师)"
    assert [en(o.label) for o in Outcome] == ["Met", "Not met", "Waived", "Pending"]


def test_channel_values_match_the_batch_model():
    from applications.models import Channel

    assert {DEDICATED, REGULAR} == set(Channel.values)


# --- RuleSet as JSON ------------------------------------------------------------------------------------


def test_ruleset_defaults_are_the_national_rules():
    assert RuleSet().to_dict() == {
        "target_level": "deputy_senior",
        "channel": "dedicated",
        "series": "engineering",
        "years_after_doctorate": 2,
        "years_after_master_or_bachelor": 5,
        "senior_technician_years": 4,
        "intermediate_years_after_master": 2,
        "intermediate_years_after_bachelor": 4,
        "technician_years": 3,
        "senior_years_after_deputy_senior": 5,
        "training_hours_per_year": 90,
        "training_specialty_share": [2, 3],
        "training_years_checked": 3,
        "waivable": ["education", "years", "training"],
    }


def test_ruleset_round_trips_through_json():
    ruleset = RuleSet(
        target_level="intermediate",
        channel="regular",
        training_specialty_share=(3, 4),
        waivable=("training",),
        training_years_checked=5,
    )

    assert RuleSet.from_dict(json.loads(json.dumps(ruleset.to_dict()))) == ruleset


def test_ruleset_from_dict_takes_defaults_for_missing_keys():
    assert RuleSet.from_dict({}) == RuleSet()
    assert RuleSet.from_dict({"waivable": []}).waivable == ()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"target_level": "assistant"},
            "target_level",
            "Choose intermediate, deputy_senior or senior, not 'assistant'.",
        ),
        ({"channel": "express"}, "channel", "Choose dedicated or regular, not 'express'."),
        ({"series": ""}, "series", "Give the series as a non-empty text, not ''."),
        ({"years_after_doctorate": -1}, "years_after_doctorate", "Give a whole number of at least 0, not -1."),
        ({"training_hours_per_year": "90"}, "training_hours_per_year", "Give a whole number of at least 0, not '90'."),
        ({"training_hours_per_year": 90.0}, "training_hours_per_year", "Give a whole number of at least 0, not 90.0."),
        ({"senior_technician_years": True}, "senior_technician_years", "Give a whole number of at least 0, not True."),
        ({"training_years_checked": 0}, "training_years_checked", "Give a whole number of at least 1, not 0."),
        ({"training_specialty_share": [3, 2]}, "training_specialty_share", "not (3, 2)."),
        ({"training_specialty_share": [2, 0]}, "training_specialty_share", "not (2, 0)."),
        ({"training_specialty_share": [2]}, "training_specialty_share", "not (2,)."),
        ({"training_specialty_share": 0.66}, "training_specialty_share", "not 0.66."),
        ({"waivable": "training"}, "waivable", "Give a list of rule names, not 'training'."),
        ({"waivable": ["papers"]}, "waivable", "Only education, years and training can be waived, not ['papers']."),
        ({"waivable": ["training", "training"]}, "waivable", "Name each waived rule once"),
        ({"waivable": ["years"]}, "waivable", "Education and years are waived together"),
    ],
)
def test_ruleset_from_dict_refuses_bad_values_by_field(data, field, message):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        RuleSet.from_dict(data)

    assert list(caught.value.message_dict) == [field]
    assert message in caught.value.message_dict[field][0]


def test_ruleset_from_dict_reports_every_bad_field_at_once():
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        RuleSet.from_dict({"channel": "x", "training_years_checked": 0})

    assert sorted(caught.value.message_dict) == ["channel", "training_years_checked"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "The rules must be a JSON object, not [1, 2]."),
        (None, "The rules must be a JSON object, not None."),
        ({"min_score": 60, "channel": "regular"}, "Unknown rule settings: min_score."),
    ],
)
def test_ruleset_from_dict_refuses_what_is_not_a_rule_set(data, message):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        RuleSet.from_dict(data)

    assert caught.value.messages == [message]


# --- Properties -----------------------------------------------------------------------------------------

dates = st.dates(min_value=D(1970, 1, 1), max_value=D(2040, 12, 31))
educations = st.builds(Education, degree=st.sampled_from([*Degree.values, "unknown"]), graduated_on=dates)
titles = st.builds(
    TitleHeld,
    series=st.sampled_from(["engineering", "economics"]),
    level=st.sampled_from([*TitleLevel.values, "unknown"]),
    granted_on=dates,
)
skills = st.builds(SkillHeld, level=st.sampled_from([*SkillLevel.values, "unknown"]), granted_on=dates)
training_years = st.builds(
    TrainingYear, year=st.integers(1970, 2040), total_hours=st.integers(-10, 300), specialty_hours=st.integers(-10, 300)
)
any_facts = st.builds(
    Facts,
    educations=st.tuples(*[educations] * 2) | st.just(()),
    titles=st.lists(titles, max_size=3).map(tuple),
    skills=st.lists(skills, max_size=2).map(tuple),
    training=st.lists(training_years, max_size=5).map(tuple),
    nominated=st.booleans(),
)
rulesets = st.builds(
    RuleSet,
    target_level=st.sampled_from(["intermediate", "deputy_senior", "senior"]),
    channel=st.sampled_from([DEDICATED, REGULAR]),
    years_after_doctorate=st.integers(0, 10),
    years_after_master_or_bachelor=st.integers(0, 10),
    senior_technician_years=st.integers(0, 10),
    training_hours_per_year=st.integers(0, 200),
    training_specialty_share=st.integers(1, 5).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))),
    training_years_checked=st.integers(1, 5),
    waivable=st.sampled_from([(), ("training",), ("education", "years"), ("education", "years", "training")]),
)


@given(facts=any_facts, ruleset=rulesets, on=dates)
def test_evaluation_never_raises_and_is_eligible_exactly_when_nothing_fails(facts, ruleset, on):
    evaluation = evaluate(facts=facts, ruleset=ruleset, on=on)

    assert evaluation.eligible == all(result.outcome != Outcome.FAIL for result in evaluation.results)
    assert set(evaluation.blocking) == {r for r in evaluation.results if r.outcome == Outcome.FAIL}
    for result in evaluation.results:
        assert (result.outcome == Outcome.WAIVED) == (result.would_be is not None)
        with translation.override("en"):
            assert str(result.reason)
        with translation.override("zh-hans"):
            assert str(result.reason)
    if ruleset.channel == REGULAR:
        assert Outcome.WAIVED not in outcomes(evaluation).values()
    qualification = evaluation.result("qualification")
    routes_met = any(p.outcome == Outcome.PASS for p in qualification.parts)
    assert (qualification.would_be or qualification.outcome) == (Outcome.PASS if routes_met else Outcome.FAIL)


@given(ruleset=rulesets)
def test_any_valid_ruleset_round_trips(ruleset):
    assert RuleSet.from_dict(json.loads(json.dumps(ruleset.to_dict()))) == ruleset
