"""Template pieces of consultations that pages of lower apps show, so those apps import nothing from here.

``{% survey_follow_ups response %}`` on a questionnaire answer's staff page (``surveys``): the questions
and problems taken up from the answer, and the link to take it up again.
"""

from django import template

from consultations.selectors import follow_ups_of_response

register = template.Library()


@register.inclusion_tag("consultations/includes/survey_follow_ups.html", takes_context=True)
def survey_follow_ups(context, response):
    consultations, problems = follow_ups_of_response(response)
    user = context.get("user")
    return {
        "response": response,
        "consultations": consultations,
        "problems": problems,
        "may_follow_up": user is not None and user.has_perm("surveys.follow_up_response", response),
    }
