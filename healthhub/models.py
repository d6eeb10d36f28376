"""Site-wide settings editors change in the admin (one row)."""

from django.db import models

STANDARD_DISCLAIMER = (
    "This page gives general information. It is not a diagnosis and does not replace advice from a qualified "
    "health professional who knows you. If you are worried about symptoms, or they are sudden or severe, "
    "get medical help."
)


class SiteSettings(models.Model):
    disclaimer = models.TextField(
        "standard medical disclaimer",
        default=STANDARD_DISCLAIMER,
        help_text="Shown at the end of every article and treatment page unless an article has its own disclaimer.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        # One row only: whatever the admin saves becomes row 1.
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings
