"""URLs of filing and certificates: city staff's pages under ``filing/``, the holder's certificate under
``certificates/``, and the public verification page (码上看) under ``verify/``."""

from django.urls import path

from results.views import filing

urlpatterns = [
    path("filing/", filing.FilingBatchListView.as_view(), name="filing_batches"),
    path("filing/batches/<int:batch_pk>/", filing.FilingBatchView.as_view(), name="filing_batch"),
    path(
        "filing/batches/<int:batch_pk>/certificates/",
        filing.CertificateListView.as_view(),
        name="filing_certificates",
    ),
    path(
        "filing/batches/<int:batch_pk>/certificates/runs/<int:pk>/",
        filing.CertificateRunView.as_view(),
        name="certificate_run",
    ),
    path("filing/<int:pk>/", filing.FilingDetailView.as_view(), name="filing_detail"),
    path("filing/<int:pk>/rebuild/", filing.FilingRebuildView.as_view(), name="filing_rebuild"),
    path("filing/<int:pk>/excel/", filing.FilingFileView.as_view(kind="excel"), name="filing_excel"),
    path("filing/<int:pk>/pdf/", filing.FilingFileView.as_view(kind="pdf"), name="filing_pdf"),
    path("certificates/<int:pk>/", filing.CertificateView.as_view(), name="certificate"),
    path("certificates/<int:pk>/pdf/", filing.CertificatePdfView.as_view(), name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", filing.CertificateRevokeView.as_view(), name="certificate_revoke"),
    path("verify/check/", filing.CertificateCheckView.as_view(), name="certificate_check"),
    path("verify/<str:token>/", filing.VerifyView.as_view(), name="certificate_verify"),
]
