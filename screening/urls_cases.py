"""URLs of the review workflow (cases). Included into the screening namespace."""

urlpatterns: list = []
