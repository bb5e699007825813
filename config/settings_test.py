"""Test settings: as the defaults, with fast hashing and jobs run in-process unless a test
starts a real worker."""

import atexit
import shutil
import tempfile
from pathlib import Path

from .settings import *  # noqa: F401,F403
from .settings import REDIS_URL, THROTTLE_DATABASE_CACHE

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_tmp = Path(tempfile.mkdtemp(prefix="two-high-test-"))
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)  # each test process cleans its own
MEDIA_ROOT = _tmp / "files"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
if REDIS_URL:
    # Tests must not share a cache database with a running app: rate limits count in the test
    # database, as without Redis.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": THROTTLE_DATABASE_CACHE,
    }
STATIC_ROOT = _tmp / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
