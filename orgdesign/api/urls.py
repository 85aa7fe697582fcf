from django.urls import include, path
from rest_framework.routers import DefaultRouter

from analytics.api import (
    DutyOverlapView,
    HeadcountView,
    HeadcountWorkbookView,
    SpansAndLayersView,
    SpansAndLayersWorkbookView,
)
from analytics.lint_api import DescriptionLintView
from analytics.raci_api import ProcessViewSet
from appraisal.api.views import (
    AppealViewSet,
    AppraisalCycleViewSet,
    AppraisalViewSet,
    IndicatorViewSet,
    KpiSetViewSet,
    RatingBandViewSet,
)
from departments.api.views import DepartmentViewSet
from orgdesign.api.views import ChangesView, OrgChartView, TokenView
from orgdesign.transfer.views import ExportApiView
from positions.api.views import EmployeeViewSet, PositionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("departments", DepartmentViewSet, basename="department")
router.register("positions", PositionViewSet, basename="position")
router.register("employees", EmployeeViewSet, basename="employee")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("kpi-sets", KpiSetViewSet, basename="kpi-set")
router.register("rating-bands", RatingBandViewSet, basename="rating-band")
router.register("appraisal-cycles", AppraisalCycleViewSet, basename="appraisal-cycle")
router.register("appraisals", AppraisalViewSet, basename="appraisal")
router.register("appeals", AppealViewSet, basename="appeal")
router.register("processes", ProcessViewSet, basename="process")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("org-chart/", OrgChartView.as_view(), name="org-chart"),
    path("changes/", ChangesView.as_view(), name="changes"),
    path("analytics/duty-overlap/", DutyOverlapView.as_view(), name="duty-overlap"),
    path("analytics/description-lint/", DescriptionLintView.as_view(), name="description-lint"),
    path("analytics/spans-and-layers/", SpansAndLayersView.as_view(), name="spans-and-layers"),
    path("analytics/spans-and-layers.xlsx", SpansAndLayersWorkbookView.as_view(), name="spans-and-layers-xlsx"),
    path("analytics/headcount/", HeadcountView.as_view(), name="headcount"),
    path("analytics/headcount.xlsx", HeadcountWorkbookView.as_view(), name="headcount-xlsx"),
    path("export/<str:name>", ExportApiView.as_view(), name="api-export"),
    path("", include(router.urls)),
]
