from django.urls import path

from analytics import views

urlpatterns = [
    path("analytics/duty-overlap/", views.DutyOverlapView.as_view(), name="duty-overlap-page"),
]
