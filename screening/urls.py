from django.urls import path

from screening import views
from screening.cases import urls as urls_cases
from screening.documents import urls as documents_urls
from screening.early_warning import urls as urls_warnings
from screening.ledger import urls as urls_ledger
from screening.registry import urls as urls_registry
from screening.reports import urls as urls_reports

app_name = "screening"

urlpatterns = [
    path("regions/", views.region_list, name="regions"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("rule-sets/", views.rule_set_list, name="rule_sets"),
    path("rule-sets/<str:name>/", views.rule_set_detail, name="rule_set"),
]

urlpatterns += (
    urls_ledger.urlpatterns
    + urls_cases.urlpatterns
    + urls_warnings.urlpatterns
    + urls_reports.urlpatterns
    + urls_registry.urlpatterns
)
urlpatterns += documents_urls.urlpatterns  # decision documents (issue 18)
