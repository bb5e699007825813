"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Threaded workers (gthread): a request mostly waits on PostgreSQL or renders a template, so
threads overlap the waits while one process per core (plus one) keeps both cores busy despite
the GIL. On the 2-core reference machine: 3 workers × 4 threads, each thread with its own
persistent database connection (CONN_MAX_AGE in settings_production): 12 connections.
Override with GUNICORN_WORKERS / GUNICORN_THREADS; bind, certificates and the rest on the
command line or in GUNICORN_CMD_ARGS.
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", len(os.sched_getaffinity(0)) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = 120  # a synchronous upload of up to LEDGER_BACKGROUND_BYTES is validated in-request
graceful_timeout = 30
keepalive = 5
