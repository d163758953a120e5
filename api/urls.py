"""``/api/v1/``: the operations (``api.views.resources``), the schema and its documentation page.
The applicant's page for its personal token is in ``api.urls_personal`` (under ``/accounts/``)."""

from django.urls import path, re_path

from api.views import docs, resources

app_name = "api"

urlpatterns = [
    path("batches/", resources.BatchList.as_view(), name="batches"),
    path("batches/<int:pk>/", resources.BatchDetail.as_view(), name="batch"),
    path("batches/<int:pk>/filed-results/", resources.FiledResultList.as_view(), name="batch_filed_results"),
    path("batches/<int:pk>/certificates/", resources.CertificateList.as_view(), name="batch_certificates"),
    path("certificates/verify/<str:token>/", resources.CertificateVerify.as_view(), name="certificate_verify"),
    path("enterprises/", resources.EnterpriseList.as_view(), name="enterprises"),
    path("enterprises/<str:credit_code>/", resources.EnterpriseDetail.as_view(), name="enterprise"),
    path(
        "enterprises/<str:credit_code>/recognitions/",
        resources.RecognitionCreate.as_view(),
        name="enterprise_recognitions",
    ),
    path(
        "enterprises/<str:credit_code>/recognitions/<int:pk>/",
        resources.RecognitionDetail.as_view(),
        name="enterprise_recognition",
    ),
    path("training-hours/", resources.HoursCreate.as_view(), name="training_hours"),
    path("me/applications/", resources.MyApplications.as_view(), name="my_applications"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(url_name="api:schema"), name="docs"),
    # Any other path, line breaks included (``.`` would stop at one and leave it to the portal's HTML 404).
    re_path(r"^(?P<rest>[\s\S]*)$", docs.UnknownPath.as_view(), name="unknown"),
]
