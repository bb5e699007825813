"""Pagination of every API list (REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"])."""

from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    """`?page=N`, and `?page_size=N` up to 200 (default PAGE_SIZE, 50)."""

    page_size_query_param = "page_size"
    max_page_size = 200
