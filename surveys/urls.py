"""URLs of the surveys app: staff pages under /surveys/, the enterprises' links under /surveys/a/<token>/."""

from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.QuestionnaireListView.as_view(), name="questionnaires"),
    path("new/", views.QuestionnaireCreateView.as_view(), name="questionnaire_create"),
    path("<int:pk>/", views.QuestionnaireDetailView.as_view(), name="questionnaire"),
    path("<int:pk>/edit/", views.QuestionnaireEditView.as_view(), name="questionnaire_edit"),
    path("<int:pk>/preview/", views.QuestionnairePreviewView.as_view(), name="questionnaire_preview"),
    path("<int:pk>/new-version/", views.QuestionnaireNewVersionView.as_view(), name="questionnaire_new_version"),
    path("<int:pk>/questions/add/", views.QuestionAddView.as_view(), name="question_add"),
    path("<int:pk>/send/", views.DispatchCreateView.as_view(), name="dispatch_create"),
    path("questions/<int:pk>/", views.QuestionEditView.as_view(), name="question_edit"),
    path("questions/<int:pk>/delete/", views.QuestionDeleteView.as_view(), name="question_delete"),
    path("questions/<int:pk>/move/", views.QuestionMoveView.as_view(), name="question_move"),
    path("sent/<int:pk>/", views.DispatchDetailView.as_view(), name="dispatch"),
    path("sent/<int:pk>/qr-codes/", views.DispatchQRSheetView.as_view(), name="dispatch_qr_sheet"),
    path("results/", views.SharedResultsListView.as_view(), name="shared_results"),
    path("sent/<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("sent/<int:pk>/results.json", views.ResultsDataView.as_view(), name="results_data"),
    path("sent/<int:pk>/results.xlsx", views.ResultsExportView.as_view(), name="results_export"),
    path("responses/<int:pk>/", views.ResponseDetailView.as_view(), name="response"),
    path("responses/<int:pk>/follow-up/", views.FollowUpCreateView.as_view(), name="response_follow_up"),
    # The enterprises' side: their list, and the link (and QR code) each recipient enterprise got.
    path("mine/", views.ContactListView.as_view(), name="mine"),
    path("a/<str:token>/", views.AnswerView.as_view(), name="answer"),
    path("a/<str:token>/qr.svg", views.RecipientQRCodeView.as_view(), name="recipient_qr"),
]
