"""Settings of the fault runs (bench/faults.py, bench/load.py): the worker-test settings (e-mail
to a loopback SMTP server, short claim leases) and a short broker visibility timeout, so a
message whose worker was killed with -9 is redelivered within seconds instead of an hour."""

from tests.screening.reports.worker_settings import *  # noqa: F401,F403

CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
