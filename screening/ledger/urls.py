"""URLs of the ledger: uploads, projects, template and export."""

from django.urls import path

from screening.ledger import views

urlpatterns = [
    path("ledger/", views.ledger_home, name="ledger"),
    path("ledger/uploads/<id:upload_id>/", views.upload_detail, name="upload"),
    path("ledger/uploads/<id:upload_id>/status/", views.upload_status, name="upload_status"),
    path("ledger/uploads/<id:upload_id>/confirm/", views.upload_confirm, name="upload_confirm"),
    path("ledger/uploads/<id:upload_id>/rollback/", views.upload_rollback, name="upload_rollback"),
    path("ledger/uploads/<id:upload_id>/file/<str:which>/", views.upload_file, name="upload_file"),
    path("ledger/projects/", views.project_list, name="projects"),
    path("ledger/projects/<id:project_id>/", views.project_detail, name="project"),
    path("ledger/template.xlsx", views.template_download, name="ledger_template"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger_export"),
]
