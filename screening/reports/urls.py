"""URLs of reports, digests and job runs. Included into the screening namespace."""

from django.urls import path

from screening.reports import views

urlpatterns = [
    path("reports/", views.report_list, name="reports"),
    path("reports/generate/", views.report_generate, name="report_generate"),
    path("reports/<id:pk>/download/", views.report_download, name="report_download"),
    path("reports/jobs/", views.job_runs, name="job_runs"),
    path("digests/subscription/", views.subscription, name="digest_subscription"),
    path("digests/unsubscribe/<str:token>/", views.unsubscribe, name="digest_unsubscribe"),
]
