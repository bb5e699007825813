from django.contrib import admin
from django.urls import include, path

from accounts.views import set_language
from screening.api.errors import not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api", not_found),  # not a redirect to api/: a JSON 404 like every other API miss
    path("api/", include("screening.api.urls")),
    path("", include("accounts.urls")),
    path("", include("screening.urls")),
]

# Under /api/ these answer in the API's JSON error shape, elsewhere with the site's pages.
handler400 = "screening.api.errors.bad_request"
handler403 = "screening.api.errors.permission_denied"
handler404 = "screening.api.errors.page_not_found"
handler500 = "screening.api.errors.server_error"
