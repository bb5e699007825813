from django.contrib import admin
from django.urls import include, path

from accounts.views import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("screening.api.urls")),
    path("", include("accounts.urls")),
    path("", include("screening.urls")),
]
