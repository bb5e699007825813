"""The Celery app. Broker: Redis when REDIS_URL is set, else a folder on disk (no server needed)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("two_high")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# One tasks module per area, besides tasks.py.
for _area in ("tasks_ledger", "tasks_warnings", "tasks_reports"):
    app.autodiscover_tasks(related_name=_area)
app.autodiscover_tasks(["screening.api"])
