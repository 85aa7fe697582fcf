from django.urls import path

from analytics import lint_views, raci_views, views

urlpatterns = [
    path("analytics/", views.AnalyticsIndexView.as_view(), name="analytics-page"),
    path("analytics/duty-overlap/", views.DutyOverlapView.as_view(), name="duty-overlap-page"),
    path("analytics/description-lint/", lint_views.DescriptionLintView.as_view(), name="description-lint-page"),
    path("analytics/structure/", views.StructureView.as_view(), name="structure-page"),
    path("analytics/headcount/", views.HeadcountView.as_view(), name="headcount-page"),
    path("analytics/processes/", raci_views.ProcessListView.as_view(), name="processes-page"),
    path("analytics/processes/<int:pk>/", raci_views.ProcessMatrixView.as_view(), name="process-page"),
    path("analytics/processes/<int:pk>/matrix.xlsx", raci_views.ProcessMatrixXlsxView.as_view(), name="process-xlsx"),
]
