"""Settings of the Celery worker the worker tests start: the app's settings with e-mail going
to the test's SMTP server on loopback and a short claim lease (all from the environment)."""

import os

from config.settings import *  # noqa: F401,F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["TWO_HIGH_TEST_SMTP_PORT"])
EMAIL_TIMEOUT = 30
DIGEST_CLAIM_LEASE_SECONDS = int(os.environ.get("TWO_HIGH_TEST_LEASE_SECONDS", "3"))
REPORT_CLAIM_LEASE_SECONDS = DIGEST_CLAIM_LEASE_SECONDS
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
