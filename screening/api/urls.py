"""URLs of the API (included at /api/ under the `api` namespace), its schema and docs."""

from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from screening.api import views, views_cases, views_ledger
from screening.api.errors import not_found
from screening.documents import api as documents_api
from screening.registry import api as registry

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Our own templates for the docs: no inline script, so the site's CSP holds there too.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    path("me/", views.MeView.as_view(), name="me"),
    path("ledger/template/", views_ledger.LedgerTemplate.as_view(), name="ledger_template"),
    path("ledger/export/", views_ledger.LedgerExport.as_view(), name="ledger_export"),
    path("ledger/uploads/", views_ledger.UploadList.as_view(), name="uploads"),
    path("ledger/uploads/<id:pk>/", views_ledger.UploadDetail.as_view(), name="upload"),
    path("ledger/uploads/<id:pk>/apply/", views_ledger.UploadApply.as_view(), name="upload_apply"),
    path(
        "ledger/uploads/<id:pk>/files/original/",
        views_ledger.UploadOriginalFile.as_view(),
        name="upload_original",
    ),
    path(
        "ledger/uploads/<id:pk>/files/annotated/",
        views_ledger.UploadAnnotatedFile.as_view(),
        name="upload_annotated",
    ),
    path("projects/", views.ProjectList.as_view(), name="projects"),
    path("projects/<id:pk>/", views.ProjectDetail.as_view(), name="project"),
    path("screening/", views.ScreenProject.as_view(), name="screen"),
    path("cases/", views_cases.CaseList.as_view(), name="cases"),
    path("cases/<id:pk>/", views_cases.CaseDetail.as_view(), name="case"),
    path(
        "cases/<id:pk>/transitions/<str:name>/",
        views_cases.CaseTransition.as_view(),
        name="case_transition",
    ),
    path("cases/<id:pk>/files/<id:file_id>/", views_cases.CaseFile.as_view(), name="case_file"),
    path(
        "cases/<id:pk>/documents/", documents_api.CaseDocumentList.as_view(), name="case_documents"
    ),
    path("documents/<id:pk>/file/", documents_api.DocumentFile.as_view(), name="document_file"),
    path("barometer/", views.BarometerList.as_view(), name="barometer"),
    path("rule-sets/", views.RuleSetList.as_view(), name="rule_sets"),
    path("rule-sets/<str:name>/", views.RuleSetDetail.as_view(), name="rule_set"),
    path("registry/sources/", registry.SourceList.as_view(), name="registry_sources"),
    path("registry/sources/<id:pk>/", registry.SourceDetail.as_view(), name="registry_source"),
    path("registry/plans/", registry.PlanList.as_view(), name="registry_plans"),
    path("registry/plans/<id:pk>/", registry.PlanDetail.as_view(), name="registry_plan"),
    path("registry/plans/<id:pk>/draws/", registry.PlanDraw.as_view(), name="registry_plan_draw"),
    path(
        "registry/plans/<id:pk>/withdraw/",
        registry.PlanWithdraw.as_view(),
        name="registry_plan_withdraw",
    ),
    path(
        "registry/plans/<id:pk>/publish/",
        registry.PlanPublish.as_view(),
        name="registry_plan_publish",
    ),
    path("registry/uploads/", registry.UploadCreate.as_view(), name="registry_uploads"),
    path(
        "registry/uploads/<id:pk>/apply/",
        registry.UploadApply.as_view(),
        name="registry_upload_apply",
    ),
    path("registry/cross-checks/", registry.CrossChecks.as_view(), name="registry_cross_checks"),
    re_path(r"^.*$", not_found, name="not_found"),
]
