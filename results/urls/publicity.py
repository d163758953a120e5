"""URLs of the publicity of results (under ``publicity/``): the public notices, their PDF and the
objection form (no login), and city staff's pages under ``publicity/staff/``."""

from django.urls import path

from results.views import publicity

urlpatterns = [
    path("publicity/", publicity.PublicityListView.as_view(), name="publicity_list"),
    path("publicity/<int:pk>/", publicity.PublicityNoticeView.as_view(), name="publicity_notice"),
    path("publicity/<int:pk>/pdf/", publicity.PublicityPdfView.as_view(), name="publicity_pdf"),
    path(
        "publicity/objections/<str:reference>/",
        publicity.ObjectionReceivedView.as_view(),
        name="publicity_objection_received",
    ),
    path("publicity/staff/", publicity.StaffHomeView.as_view(), name="publicity_staff"),
    path("publicity/staff/publish/<int:batch_pk>/", publicity.PublishView.as_view(), name="publicity_publish"),
    path("publicity/staff/<int:pk>/", publicity.StaffDetailView.as_view(), name="publicity_staff_detail"),
    path("publicity/staff/<int:pk>/close/", publicity.CloseView.as_view(), name="publicity_close"),
    path("publicity/staff/objections/", publicity.ObjectionListView.as_view(), name="publicity_objections"),
    path("publicity/staff/objections/<int:pk>/", publicity.ObjectionDetailView.as_view(), name="publicity_objection"),
    path(
        "publicity/staff/objections/<int:pk>/investigate/",
        publicity.ObjectionInvestigateView.as_view(),
        name="publicity_objection_investigate",
    ),
    path(
        "publicity/staff/objections/<int:pk>/evidence/",
        publicity.ObjectionEvidenceView.as_view(),
        name="publicity_objection_evidence",
    ),
]
