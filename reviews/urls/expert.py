from django.urls import path

from reviews.views import expert

urlpatterns = [
    path("tasks/", expert.ExpertHomeView.as_view(), name="expert_home"),
    path("tasks/<int:pk>/", expert.ScoringView.as_view(), name="scoring"),
    path("tasks/<int:pk>/scores/<int:criterion_pk>/", expert.ScoreAutosaveView.as_view(), name="score_autosave"),
    path("tasks/<int:pk>/submit/", expert.AssignmentSubmitView.as_view(), name="assignment_submit"),
    path("tasks/<int:pk>/conflict/", expert.ConflictDeclareView.as_view(), name="conflict_declare"),
    path("tasks/<int:pk>/evidence/<int:evidence_pk>/", expert.ExpertEvidenceView.as_view(), name="evidence"),
]
