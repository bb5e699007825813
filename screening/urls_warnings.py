"""URLs of early warning (barometer, alerts). Included into the screening namespace."""

urlpatterns: list = []
