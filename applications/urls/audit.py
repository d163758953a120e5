"""URLs of the audit (under ``audit/``): the queues, and the application's page with its actions, its
return for correction and its changes between submissions (shared by everyone in the application's life),
a file as a submission named it (``submission_file``, staff only), and the progress of a bulk action
of Django admin (``bulk_status``, polled by its page)."""

from django.urls import path

from applications.views import audit

urlpatterns = [
    path("audit/district/", audit.DistrictQueueView.as_view(), name="district_queue"),
    path("audit/city/", audit.CityQueueView.as_view(), name="city_queue"),
    path("audit/district/export/", audit.DistrictQueueExportView.as_view(), name="district_queue_export"),
    path("audit/city/export/", audit.CityQueueExportView.as_view(), name="city_queue_export"),
    path("audit/applications/<int:pk>/", audit.ApplicationDetailView.as_view(), name="detail"),
    path("audit/applications/<int:pk>/changes/", audit.DiffView.as_view(), name="diff"),
    path("audit/applications/<int:pk>/photo/", audit.ApplicantPhotoView.as_view(), name="applicant_photo"),
    path(
        "audit/applications/<int:pk>/submissions/<int:revision>/files/<int:evidence_pk>/",
        audit.SubmissionFileView.as_view(),
        name="submission_file",
    ),
    path("audit/applications/<int:pk>/return/", audit.ReturnView.as_view(), name="return"),
    path("audit/applications/<int:pk>/act/<slug:action>/", audit.ActionView.as_view(), name="act"),
    path("audit/bulk/<int:pk>/status/", audit.BulkRunStatusView.as_view(), name="bulk_status"),
]
