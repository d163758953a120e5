"""URLs of the consultations app: the askers' pages, the handlers' queue and problems, the public FAQ."""

from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    # The askers: enterprises' contacts and applicants.
    path("ask/", views.AskView.as_view(), name="ask"),
    path("mine/", views.MineView.as_view(), name="mine"),
    # One question, for its asker and those who answer it.
    path("<int:pk>/", views.ConsultationDetailView.as_view(), name="detail"),
    path("<int:pk>/attachment/", views.AttachmentView.as_view(), name="attachment"),
    path("<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
    path("<int:pk>/problem/", views.ProblemCreateView.as_view(), name="problem_create"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    # Commissioners and staff.
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("problems/", views.ProblemListView.as_view(), name="problems"),
    path("problems/<int:pk>/", views.ProblemDetailView.as_view(), name="problem"),
    path("problems/<int:pk>/note/", views.ProblemNoteView.as_view(), name="problem_note"),
    path("problems/<int:pk>/start/", views.ProblemStartView.as_view(), name="problem_start"),
    path("problems/<int:pk>/solve/", views.ProblemSolveView.as_view(), name="problem_solve"),
    path("problems/<int:pk>/assign/", views.ProblemAssignView.as_view(), name="problem_assign"),
    path("from-survey/<int:pk>/", views.SurveyFollowUpView.as_view(), name="from_survey"),
    # The public FAQ, and city staff's editing of it.
    path("faq/", views.FaqListView.as_view(), name="faq"),
    path("faq/<int:pk>/", views.FaqEntryView.as_view(), name="faq_entry"),
    path("faq/<int:pk>/edit/", views.FaqEditView.as_view(), name="faq_edit"),
    path("faq/<int:pk>/withdraw/", views.FaqWithdrawView.as_view(), name="faq_withdraw"),
]
