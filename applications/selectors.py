"""Reads of batches and applications."""

from django.utils import timezone

from applications.models import Batch


def batches_accepting(*, now=None):
    """Batches open for applications right now, the soonest to close first."""
    now = now or timezone.now()
    return Batch.objects.filter(status=Batch.Status.OPEN, opens_at__lte=now, closes_at__gt=now).order_by("closes_at")
