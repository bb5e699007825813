"""The secret key of an installation left on the defaults (issue 13 item 9).

A key shipped in the code is public, so anything it signs (unsubscribe links, sessions,
password-reset tokens) could be forged for another user. Without DJANGO_SECRET_KEY the
settings use a random key generated once on this machine and kept in `var/secret_key`
(readable by the owner only, never in the repository), so web, worker and beat share it and
it survives restarts. Production settings still require DJANGO_SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE_NAME = "secret_key"


def local_secret_key(var_dir: Path) -> str:
    """The key kept under `var_dir`, created (atomically, mode 0600) on first use."""
    path = var_dir / KEY_FILE_NAME
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process (worker, beat) made it first: use theirs.
        return path.read_text(encoding="ascii").strip() or key
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
