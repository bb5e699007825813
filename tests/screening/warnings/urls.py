"""URLs for these tests: early warning first (its dashboard replaces the placeholder one), then
the rest of the screening app as far as it is built."""

from django.contrib import admin
from django.urls import include, path

from screening import urls_warnings, views

screening_patterns = list(urls_warnings.urlpatterns)
try:
    from screening import urls_ledger

    screening_patterns += urls_ledger.urlpatterns
except (ImportError, AttributeError):  # the ledger pages are being built in parallel
    pass
screening_patterns += [
    path("regions/", views.region_list, name="regions"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("rule-sets/", views.rule_set_list, name="rule_sets"),
    path("rule-sets/<str:name>/", views.rule_set_detail, name="rule_set"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
    path("", include((screening_patterns, "screening"))),
]
