from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from applications.evidence import configure_pdf_parser

        configure_pdf_parser()

        from django.db.models.signals import post_init, post_save

        from enterprises.models import Enterprise

        post_init.connect(_remember_division, sender=Enterprise, dispatch_uid="applications_remember_division")
        post_save.connect(_carry_counts, sender=Enterprise, dispatch_uid="applications_carry_counts")

        from django.db.models.signals import post_delete

        from zaozhuang_titles.models import CalendarDay

        post_save.connect(_recount_stays, sender=CalendarDay, dispatch_uid="applications_recount_stays_saved")
        post_delete.connect(_recount_stays, sender=CalendarDay, dispatch_uid="applications_recount_stays_deleted")


# An enterprise moving to another division takes its applications' queue counts along
# (``applications.counters``). The enterprises app cannot call this app (it sits below it), so the
# move is seen here, on the enterprise's save, whichever page or import made it.


def _remember_division(sender, instance, **kwargs):
    instance._counted_division_id = instance.__dict__.get("division_id")


def _carry_counts(sender, instance, created, **kwargs):
    old, new = getattr(instance, "_counted_division_id", None), instance.__dict__.get("division_id")
    if not created and old is not None and new is not None and old != new:
        from applications.counters import enterprise_division_moved

        enterprise_division_moved(enterprise_id=instance.pk, old_division_id=old, new_division_id=new)
    instance._counted_division_id = new


# A calendar entry (节假日安排) saved or deleted changes the working days of stays already counted
# (``applications.counters``): they are recounted from the log after the commit. The calendar lives in
# the core package, which cannot call this app.


def _recount_stays(sender, instance, **kwargs):
    from django.db import transaction

    from applications.tasks import rebuild_stay_counts

    transaction.on_commit(rebuild_stay_counts.delay)
