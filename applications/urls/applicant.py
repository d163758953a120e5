"""URLs of the applicant's pages (under ``me/``), and of the two pages every participant of an
application opens: its progress (``progress/``) and its evidence files (``files/``)."""

from django.urls import path

from applications.views import applicant

urlpatterns = [
    path("", applicant.ApplicantHomeView.as_view(), name="applicant_home"),
    path("me/profile/", applicant.ProfileView.as_view(), name="profile"),
    # Before the sections' pattern, which would take "photo" for a section's name.
    path("me/profile/photo/", applicant.ProfilePhotoView.as_view(), name="profile_photo"),
    path("me/profile/photo/remove/", applicant.ProfilePhotoRemoveView.as_view(), name="profile_photo_remove"),
    path("me/profile/<slug:section>/", applicant.ProfileSectionView.as_view(), name="profile_section"),
    path(
        "me/profile/<slug:section>/<int:record_pk>/",
        applicant.ProfileRecordEditView.as_view(),
        name="profile_record_edit",
    ),
    path(
        "me/profile/<slug:section>/<int:record_pk>/remove/",
        applicant.ProfileRecordRemoveView.as_view(),
        name="profile_record_remove",
    ),
    path("me/batches/<int:batch_pk>/apply/", applicant.ApplicationStartView.as_view(), name="application_start"),
    path("me/<int:pk>/", applicant.ApplicationView.as_view(), name="my_application"),
    path("me/<int:pk>/edit/", applicant.ApplicationEditView.as_view(), name="application_edit"),
    path("me/<int:pk>/achievements/", applicant.AchievementListView.as_view(), name="achievements"),
    path("me/<int:pk>/achievements/add/", applicant.AchievementKindView.as_view(), name="achievement_kind"),
    path("me/<int:pk>/achievements/add/<slug:kind>/", applicant.AchievementAddView.as_view(), name="achievement_add"),
    path(
        "me/<int:pk>/achievements/<int:achievement_pk>/",
        applicant.AchievementEditView.as_view(),
        name="achievement_edit",
    ),
    path(
        "me/<int:pk>/achievements/<int:achievement_pk>/remove/",
        applicant.AchievementRemoveView.as_view(),
        name="achievement_remove",
    ),
    path(
        "me/<int:pk>/achievements/<int:achievement_pk>/evidence/",
        applicant.EvidenceAddView.as_view(),
        name="achievement_evidence_add",
    ),
    path("me/<int:pk>/evidence/", applicant.EvidenceAddView.as_view(), name="evidence_add"),
    path(
        "me/<int:pk>/evidence/<int:evidence_pk>/remove/",
        applicant.EvidenceRemoveView.as_view(),
        name="evidence_remove",
    ),
    path("me/<int:pk>/submit/", applicant.SubmitView.as_view(), name="application_submit"),
    path("me/<int:pk>/resubmit/", applicant.ResubmitView.as_view(), name="application_resubmit"),
    path("me/<int:pk>/withdraw/", applicant.WithdrawView.as_view(), name="application_withdraw"),
    path("progress/<int:pk>/", applicant.TimelineView.as_view(), name="timeline"),
    path("files/<int:pk>/", applicant.EvidenceDownloadView.as_view(), name="evidence_download"),
]
