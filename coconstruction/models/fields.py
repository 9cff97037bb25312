"""Fields the co-construction models share."""

from django.conf import settings
from django.db import models


def acting_person(verbose_name, *, related_name="+"):
    """The person who did something (created, decided, wrote, closed…): kept as "compte
    supprimé" (SET_NULL) when their account goes, so the committee's record stays whole."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )
