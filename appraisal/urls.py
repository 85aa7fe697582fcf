from django.urls import path

from appraisal import views

urlpatterns = [
    path("appraisals/", views.AppraisalListView.as_view(), name="appraisals-page"),
    path("appraisals/<int:pk>/", views.AppraisalDetailView.as_view(), name="appraisal-page"),
    path("appraisals/<int:pk>/preview/", views.AppraisalPreviewView.as_view(), name="appraisal-preview"),
    path("appraisals/<int:pk>/appraisal.pdf", views.AppraisalPdfView.as_view(), name="appraisal-pdf"),
    path("appeals/", views.AppealListView.as_view(), name="appeals-page"),
    path("appeals/<int:pk>/", views.AppealDetailView.as_view(), name="appeal-page"),
    path("cycles/", views.CycleListView.as_view(), name="cycles-page"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle-page"),
    path("cycles/<int:pk>/calibration/", views.CalibrationView.as_view(), name="cycle-calibration"),
    path("cycles/<int:pk>/results/", views.ResultsView.as_view(), name="cycle-results"),
    path("cycles/<int:pk>/results.<str:fmt>", views.ResultsExportView.as_view(), name="cycle-results-export"),
]
