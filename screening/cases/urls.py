"""URLs of the review workflow (cases). Included into the screening namespace."""

from django.urls import path

from screening.cases import views as views_cases

urlpatterns: list = [
    path("cases/", views_cases.case_list, name="cases"),
    path("cases/export/", views_cases.case_export, name="case_export"),
    path("cases/queue/", views_cases.my_queue, name="my_queue"),
    path("cases/new/", views_cases.case_new, name="case_new"),
    path("cases/workflow/", views_cases.workflow_diagram, name="workflow_diagram"),
    path("cases/<id:pk>/", views_cases.case_detail, name="case"),
    path("cases/<id:pk>/do/<str:name>/", views_cases.case_transition, name="case_transition"),
    path("cases/<id:pk>/files/<id:file_id>/", views_cases.case_file, name="case_file"),
]
