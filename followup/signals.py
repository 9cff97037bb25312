"""A moderation decision on an update (moderation.services hides or restores it, saving
its `hidden_at`) makes the voices' states of its item the fold of their visible updates
again: a hidden update no longer sets the status shown on the board."""

from . import services


def update_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields and "hidden_at" in update_fields and instance.published_at is not None:
        services.states_refresh(commune_id=instance.commune_id, item_id=instance.item_id)
