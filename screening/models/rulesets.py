"""Rule sets: named, versioned screening parameters with their sources, effective from a date."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    """One version of the screening parameters, in force from `effective_from` on."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    effective_from = models.DateField(_("effective from"), unique=True)
    parameters = models.JSONField(_("parameters"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        return self.name

    def document(self) -> dict:
        """The rule set as the engine reads it (the shape of a fixture file)."""
        return {
            "name": self.name,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "effective_from": self.effective_from.isoformat(),
            "parameters": self.parameters,
        }

    @classmethod
    def in_force(cls, as_of: date) -> RuleSet | None:
        """The latest rule set whose effective date is on or before `as_of` (SPEC §4)."""
        return cls.objects.filter(effective_from__lte=as_of).order_by("-effective_from").first()
