"""URLs of the enterprise's pages: the contact's under ``enterprise/``, the chairman's under ``nominations/``."""

from django.urls import path

from applications.views import enterprise

urlpatterns = [
    path("enterprise/", enterprise.EnterpriseApplicationsView.as_view(), name="enterprise_applications"),
    path(
        "enterprise/batches/<int:batch_pk>/notice/",
        enterprise.InternalNoticeStartView.as_view(),
        name="internal_notice_start",
    ),
    path(
        "enterprise/batches/<int:batch_pk>/notice/preview/",
        enterprise.InternalNoticePreviewView.as_view(),
        name="internal_notice_preview",
    ),
    path("enterprise/notices/<int:pk>/", enterprise.InternalNoticeDetailView.as_view(), name="internal_notice"),
    path(
        "enterprise/notices/<int:pk>/objections/new/",
        enterprise.InternalObjectionRecordView.as_view(),
        name="internal_objection_record",
    ),
    path(
        "enterprise/objections/<int:pk>/settle/",
        enterprise.InternalObjectionResolveView.as_view(),
        name="internal_objection_resolve",
    ),
    path(
        "enterprise/applications/<int:pk>/forward/",
        enterprise.ApplicationForwardView.as_view(),
        name="application_forward",
    ),
    path("nominations/", enterprise.ChairmanHomeView.as_view(), name="chairman_home"),
    path("nominations/batches/<int:batch_pk>/", enterprise.NominationSignView.as_view(), name="nomination_sign"),
    path("nominations/<int:pk>/letter/", enterprise.NominationLetterView.as_view(), name="nomination_letter"),
]
