"""The record that this database was given the demo data (issue 13.1)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemoSeed(models.Model):
    """One row when the demo data was seeded into this database: `make run` seeds only a
    database without it, so restarting never touches what users entered since."""

    seeded_at = models.DateTimeField(_("seeded"), default=timezone.now)
    forced = models.BooleanField(_("seeded with --force"), default=False)
    # The demo's own ledger uploads: any other upload is a user's, which seeding must not touch.
    upload_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("demo data record")
        verbose_name_plural = _("demo data records")

    def __str__(self) -> str:
        return f"demo seeded {self.seeded_at:%Y-%m-%d %H:%M}"
