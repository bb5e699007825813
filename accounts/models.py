"""Users, their role and the regions they belong to."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENCY = "agency", _("Agency uploader")
    CITY_REVIEWER = "city_reviewer", _("City reviewer")
    PROVINCIAL_REVIEWER = "provincial_reviewer", _("Provincial reviewer")
    OBSERVER = "observer", _("Observer")
    ADMIN = "admin", _("Administrator")


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    OFF = "off", _("Off")


def site_languages() -> list[tuple[str, str]]:
    """The languages of the site (settings.LANGUAGES), as the choices of User.language."""
    return list(settings.LANGUAGES)


class User(AbstractUser):
    """A person who signs in: one role, one or more regions (the province is a region too)."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.OBSERVER)
    regions = models.ManyToManyField(
        "screening.Region",
        verbose_name=_("regions"),
        related_name="members",
        blank=True,
        help_text=_("The user sees these regions and the regions that report to them."),
    )
    digest_frequency = models.CharField(
        _("digest e-mail"),
        max_length=16,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    # The language of the e-mails this person gets (digests, case notices): the one they last
    # chose in the language switcher, or on the digest page; blank: the site's (Chinese).
    language = models.CharField(
        _("e-mail language"), max_length=8, choices=site_languages, blank=True, default=""
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def keep_language(self, code: str) -> bool:
        """Keep `code` as the language of this person's e-mails, if it is one of the site's
        languages; says whether it was."""
        if code not in dict(settings.LANGUAGES):
            return False
        User.objects.filter(pk=self.pk).update(language=code)
        self.language = code
        return True

    def save(self, *args, **kwargs) -> None:
        # set_password() leaves the new password in _password until the save (a hash upgrade at
        # sign-in does not): a new password or a deactivated account ends every API token, so a
        # leaked token does not outlive the password it was made under (issue 13 item 9).
        password_changed = self._password is not None
        super().save(*args, **kwargs)
        if self.pk and (password_changed or not self.is_active):
            self.revoke_api_tokens()

    def revoke_api_tokens(self) -> int:
        """Revoke every active API token of this user; returns how many."""
        return ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN


class ApiToken(models.Model):
    """A personal API token for agency systems: shown once, kept only as a SHA-256 hash.

    The token reads `th_<prefix>_<secret>`; the public prefix finds the row, the hash of the
    whole token proves it. Revoked tokens are kept (with when) for the record.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
