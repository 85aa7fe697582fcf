"""The appraisal pages, by who uses them: one appraisal (`appraisals`), HR's cycles (`cycles`), appeals (`appeals`)."""

from appraisal.views.appeals import AppealDetailView, AppealListView
from appraisal.views.appraisals import AppraisalDetailView, AppraisalListView, AppraisalPdfView, AppraisalPreviewView
from appraisal.views.cycles import (
    CalibrationView,
    CycleDetailView,
    CycleListView,
    ResultsExportView,
    ResultsView,
)

__all__ = [
    "AppealDetailView", "AppealListView", "AppraisalPdfView",
    "AppraisalDetailView", "AppraisalListView", "AppraisalPreviewView", "CalibrationView", "CycleDetailView",
    "CycleListView", "ResultsExportView", "ResultsView",
]  # fmt: skip
