from django.urls import path

from orgdesign.transfer import views

urlpatterns = [
    path("transfer/", views.TransferView.as_view(), name="transfer-page"),
    path("transfer/download/<str:name>", views.DownloadView.as_view(), name="transfer-download"),
    path("transfer/<str:token>/", views.JobView.as_view(), name="transfer-job"),
    path("transfer/<str:token>/progress/", views.ProgressView.as_view(), name="transfer-progress"),
]
