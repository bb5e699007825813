"""URLs of the capacity-replacement registry (included in screening.urls)."""

from django.urls import path

from screening.registry import views

urlpatterns = [
    path("registry/", views.registry_home, name="registry"),
    path("registry/sources/new/", views.source_new, name="registry_source_new"),
    path("registry/sources/<id:source_id>/", views.source_detail, name="registry_source"),
    path("registry/plans/new/", views.plan_new, name="registry_plan_new"),
    path("registry/plans/<id:plan_id>/", views.plan_detail, name="registry_plan"),
    path(
        "registry/plans/<id:plan_id>/withdraw/", views.plan_withdraw, name="registry_plan_withdraw"
    ),
    path("registry/plans/<id:plan_id>/publish/", views.plan_publish, name="registry_plan_publish"),
    path(
        "registry/plans/<id:plan_id>/draws/<id:draw_id>/return/",
        views.draw_release,
        name="registry_draw_release",
    ),
    path("registry/cross-checks/", views.cross_checks, name="registry_cross_checks"),
    path(
        "registry/cross-checks.xlsx", views.cross_checks_export, name="registry_cross_checks_export"
    ),
    path("registry/upload/", views.upload_page, name="registry_upload_new"),
    path("registry/upload/<id:upload_id>/", views.upload_detail, name="registry_upload"),
    path(
        "registry/upload/<id:upload_id>/annotated.xlsx",
        views.upload_annotated,
        name="registry_upload_annotated",
    ),
    path("registry/template-<str:kind>.xlsx", views.template_download, name="registry_template"),
    # The one page of the product reachable without signing in (公告).
    path("public/replacement-plans/", views.public_plans, name="registry_public"),
]
