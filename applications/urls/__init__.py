"""URLs of applications, one module per audience (see ``applications.views``)."""

from applications.urls import applicant, audit, enterprise

app_name = "applications"
urlpatterns = [
    *applicant.urlpatterns,
    *enterprise.urlpatterns,
    *audit.urlpatterns,
]
