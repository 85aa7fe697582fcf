from django.urls import path

from positions import views

urlpatterns = [
    path("positions/<int:pk>/", views.PositionDetailView.as_view(), name="position-page"),
    path("positions/<int:pk>/description/edit/", views.DescriptionEditView.as_view(), name="description-edit"),
    path("positions/<int:pk>/description/review/", views.DescriptionReviewView.as_view(), name="description-review"),
    path("positions/<int:pk>/description.docx", views.PositionDocxView.as_view(), name="position-docx"),
    path("positions/<int:pk>/versions/", views.VersionListView.as_view(), name="version-list"),
    path("positions/<int:pk>/versions/compare/", views.VersionCompareView.as_view(), name="version-compare"),
    path("positions/<int:pk>/versions/<int:number>/", views.VersionDetailView.as_view(), name="version-detail"),
    path("reviews/", views.ReviewListView.as_view(), name="description-reviews"),
]
