"""URLs of early warning (barometer, alerts) and the dashboard. Included into the screening
namespace."""

from django.urls import path

from screening.early_warning import indicator_views, views

urlpatterns: list = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("warnings/", views.warnings_home, name="warnings"),
    path("warnings/indicators/new/", indicator_views.indicator_form, name="indicator_new"),
    path("warnings/indicators/<id:pk>/", indicator_views.indicator_form, name="indicator_edit"),
    path("warnings/indicators/upload/", indicator_views.indicator_upload, name="indicator_upload"),
    path(
        "warnings/indicators/template.xlsx",
        indicator_views.indicator_template,
        name="indicator_template",
    ),
    path(
        "warnings/indicators/publish/", indicator_views.indicator_publish, name="indicator_publish"
    ),
    path("warnings/regions/<str:code>/", views.region_barometer, name="warning_region"),
    path("warnings/annual-results/", views.annual_results, name="annual_results"),
    path("warnings/project-energy/", indicator_views.project_energy, name="project_energy"),
    path(
        "warnings/project-energy/template.xlsx",
        indicator_views.project_energy_template,
        name="project_energy_template",
    ),
    path(
        "warnings/project-energy/<id:project_id>/",
        views.project_energy_detail,
        name="project_energy_detail",
    ),
    path("warnings/alerts/", views.alerts, name="alerts"),
]
