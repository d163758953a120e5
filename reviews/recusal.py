"""Recusal (回避): which experts must not judge which applications, and why.

An expert recuses from an applicant of its own employer, matched by the registry record and by the
employer's credit code (an expert entered with the code only, or an enterprise registered after the
expert, is still caught), and from an applicant or enterprise it declared a relation to in advance.

``conflict_map`` answers for many pairs at once in a fixed number of queries (three, whatever the
number of experts and applications), so the draw and the assignments never query per pair.
"""

from collections import defaultdict

from django.utils.translation import gettext as _

from applications.models import Application
from reviews.models import Expert, ExpertRelation


def conflict_map(experts, applications):
    """``{(expert_pk, application_pk): [reason, ...]}`` for every conflicted pair of ``experts`` ×
    ``applications`` (instances or primary keys); pairs without a conflict are absent."""
    expert_pks = {getattr(expert, "pk", expert) for expert in experts}
    application_pks = {getattr(application, "pk", application) for application in applications}
    if not expert_pks or not application_pks:
        return {}
    employers = {
        pk: (employer_id, {code for code in (own_code, registry_code) if code})
        for pk, employer_id, own_code, registry_code in Expert.objects.filter(pk__in=expert_pks).values_list(
            "pk", "employer_id", "employer_credit_code", "employer__credit_code"
        )
    }
    targets = list(
        Application.objects.filter(pk__in=application_pks).values_list(
            "pk", "applicant_id", "enterprise_id", "enterprise__credit_code", "enterprise__name"
        )
    )
    by_applicant = defaultdict(list)
    by_enterprise = defaultdict(list)
    for relation in ExpertRelation.objects.filter(expert_id__in=expert_pks).values_list(
        "expert_id", "applicant_id", "enterprise_id", "reason"
    ):
        expert_pk, applicant_id, enterprise_id, reason = relation
        if applicant_id:
            by_applicant[(expert_pk, applicant_id)].append(reason)
        if enterprise_id:
            by_enterprise[(expert_pk, enterprise_id)].append(reason)

    result = {}
    for expert_pk, (employer_id, codes) in employers.items():
        for application_pk, applicant_id, enterprise_id, credit_code, enterprise_name in targets:
            reasons = []
            if employer_id and employer_id == enterprise_id:
                reasons.append(
                    _("Works at the applicant's enterprise (%(enterprise)s).") % {"enterprise": enterprise_name}
                )
            elif credit_code and credit_code in codes:
                reasons.append(
                    _("The employer's credit code %(code)s is that of the applicant's enterprise (%(enterprise)s).")
                    % {"code": credit_code, "enterprise": enterprise_name}
                )
            for reason in by_applicant.get((expert_pk, applicant_id), ()):
                reasons.append(_("Declared a relation to the applicant: %(reason)s.") % {"reason": reason})
            for reason in by_enterprise.get((expert_pk, enterprise_id), ()):
                reasons.append(
                    _("Declared a relation to the enterprise %(enterprise)s: %(reason)s.")
                    % {"enterprise": enterprise_name, "reason": reason}
                )
            if reasons:
                result[(expert_pk, application_pk)] = reasons
    return result


def conflicts(expert, application):
    """The reasons ``expert`` must not judge ``application`` (empty when it may)."""
    return conflict_map([expert], [application]).get((expert.pk, application.pk), [])
