import os

# openpyxl parses with lxml whenever lxml is installed (python-docx brings it), and lxml's parser
# is not defusedxml's: keep openpyxl on defusedxml (screening/checks.py refuses to start otherwise).
os.environ.setdefault("OPENPYXL_LXML", "False")

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
