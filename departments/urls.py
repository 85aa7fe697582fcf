from django.urls import path

from departments import views
from positions.views import UnitDocxView

urlpatterns = [
    path("org-chart/", views.OrgChartView.as_view(), name="org-chart-page"),
    path("org-chart/units/<int:pk>/", views.OrgChartBranchView.as_view(), name="org-chart-branch"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-page"),
    path("units/<int:pk>/descriptions.docx", UnitDocxView.as_view(), name="unit-descriptions-docx"),
]
