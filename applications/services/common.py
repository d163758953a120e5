"""What the write services of applications share: who may apply, and marking an application's
content as changed (which voids a signature given to it before)."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    NominationEntry,
)
from zaozhuang_titles.models import Role


def _require_applicant(user):
    if not user.has_role(Role.APPLICANT):
        raise PermissionDenied(_("Only applicants keep a profile and apply."))


def application_touch(*, application, reason):
    """The application's content changed: record when, and void any signature given to it before."""
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(changed_at=now)
    application.changed_at = now
    NominationEntry.objects.filter(application=application, voided_at__isnull=True).update(
        voided_at=now, void_reason=reason[:200]
    )
