"""URLs of decision documents (included into the screening namespace)."""

from django.urls import path

from screening.documents import views

urlpatterns: list = [
    path("documents/<id:pk>/", views.document_page, name="document"),
    path("documents/<id:pk>/file/", views.document_file, name="document_file"),
    path("documents/<id:pk>/correct/", views.document_correct, name="document_correct"),
    path(
        "cases/<id:pk>/preview/<str:name>/", views.transition_preview, name="case_document_preview"
    ),
]
