"""Upkeep when the glossary changes: term links are rebuilt from the new glossary."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from glossary.linking import glossary_changed

from .models import Term


@receiver(post_save, sender=Term)
@receiver(post_delete, sender=Term)
def term_changed(sender, **kwargs):
    glossary_changed()
