"""Every write on applications, one module per part: ``profile`` (个人档案), ``content`` (the application,
its achievements and evidence, and the applicant's moves), ``enterprise`` (the internal notice, its
objections, forwarding), ``audit`` (pass, reject, return for correction), ``nomination`` (the chairman's
signed nomination); ``common`` holds what they share.

Each function takes keyword-only arguments, checks who acts, calls ``full_clean()`` and leaves a trace.
State changes go through ``applications.workflow.application_transition`` and nowhere else. The public
functions are re-exported here, so callers write ``services.application_pass`` whatever the part.
"""

from applications.services.audit import application_pass, application_reject, application_return
from applications.services.common import application_touch
from applications.services.content import (
    achievement_remove,
    achievement_save,
    application_create,
    application_resubmit,
    application_submit,
    application_update,
    application_withdraw,
    evidence_add,
    evidence_remove,
    evidence_total,
)
from applications.services.enterprise import (
    application_forward,
    internal_notice_start,
    internal_objection_record,
    internal_objection_resolve,
)
from applications.services.nomination import (
    NOMINATION_PURPOSE,
    nomination_candidates,
    nomination_otp_key,
    nomination_request_code,
    nomination_sign,
)
from applications.services.profile import (
    PROFILE_RECORDS,
    profile_get_or_create,
    profile_lock_reason,
    profile_photo_remove,
    profile_photo_set,
    profile_record_remove,
    profile_record_save,
    profile_update,
)

__all__ = [
    "NOMINATION_PURPOSE",
    "PROFILE_RECORDS",
    "achievement_remove",
    "achievement_save",
    "application_create",
    "application_forward",
    "application_pass",
    "application_reject",
    "application_resubmit",
    "application_return",
    "application_submit",
    "application_touch",
    "application_update",
    "application_withdraw",
    "evidence_add",
    "evidence_remove",
    "evidence_total",
    "internal_notice_start",
    "internal_objection_record",
    "internal_objection_resolve",
    "nomination_candidates",
    "nomination_otp_key",
    "nomination_request_code",
    "nomination_sign",
    "profile_get_or_create",
    "profile_lock_reason",
    "profile_photo_remove",
    "profile_photo_set",
    "profile_record_remove",
    "profile_record_save",
    "profile_update",
]
