"""The Celery app. Broker: Redis when REDIS_URL is set, else a folder on disk (no server needed)."""

import os
import resource

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("two_high")
app.config_from_object("django.conf:settings", namespace="CELERY")
# One tasks module per capability. Every task has an explicit name (its module path before the
# regroup of issue 14), so messages already queued and the stored schedules keep working.
app.autodiscover_tasks(
    [
        "screening.ledger",
        "screening.cases",
        "screening.reports",
        "screening.api",
    ]
)


@worker_process_init.connect
def _bound_worker_memory(**_kwargs) -> None:
    """Each worker process gets a hard address-space limit, so one hostile or huge upload
    fails its own job (MemoryError) instead of exhausting the machine (SPEC §9)."""
    limit_mb = int(os.environ.get("CELERY_WORKER_MEMORY_LIMIT_MB", "3000"))
    if limit_mb > 0:
        limit = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
