"""Turn django-simple-history records into "who changed what, when" entries.

Diffs are computed in Python between consecutive records of the same object,
so a page of history costs the same few queries whatever its length.
"""

from collections import defaultdict
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def tracked_history(**options):
    """HistoricalRecords keeping the author's id even after their account is deleted,
    so that the history can say "compte supprimé" rather than lose the fact."""
    return HistoricalRecords(history_user_id_field=models.BigIntegerField(null=True, blank=True), **options)


ACTIONS = {"+": _("creation"), "~": _("change"), "-": _("deletion")}
SKIPPED = {"id", "slug", "token_hash", "token_expires_at"}


def _label(record):
    return str(record.instance)


def _display(record, field, related):
    value = getattr(record, field.attname, None)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value in (None, ""):
        return "—"
    if field.is_relation:
        obj = related.get(field.related_model, {}).get(value)
        if obj is None:
            return str(_("deleted account")) if field.related_model is get_user_model() else "—"
        return getattr(obj, "public_name", None) or str(obj)
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value))
    return str(value)


def _related_objects(records, fields):
    """The objects that foreign keys of these records point to: one query per model."""
    wanted = defaultdict(set)
    for field in fields:
        if field.is_relation:
            for record in records:
                value = getattr(record, field.attname, None)
                if value is not None:
                    wanted[field.related_model].add(value)
    return {model: model.objects.in_bulk(ids) for model, ids in wanted.items()}


def _author(user_id, users):
    if user_id is None:
        return _("the platform")
    user = users.get(user_id)
    return user.public_name if user else _("deleted account")


def history_entries(records, *, label=_label):
    """Entries for a list of historical records of one model (any order).

    `label(record)` names the object; make it read only what was selected.
    """
    user_ids = {record.history_user_id for record in records if record.history_user_id}
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    by_object = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    fields = []
    if records:
        fields = [
            field
            for field in records[0].instance_type._meta.concrete_fields
            if field.name not in SKIPPED and hasattr(records[0], field.attname)
        ]
    related = _related_objects(records, fields)
    entries = []
    for object_records in by_object.values():
        object_records.sort(key=lambda record: record.history_date)
        previous = None
        for record in object_records:
            changes = []
            if previous is not None and record.history_type == "~":
                for field in fields:
                    old, new = getattr(previous, field.attname, None), getattr(record, field.attname, None)
                    if old != new:
                        changes.append(
                            {
                                "field": field.verbose_name,
                                "old": _display(previous, field, related),
                                "new": _display(record, field, related),
                            }
                        )
            entries.append(
                {
                    "date": record.history_date,
                    "user": _author(record.history_user_id, users),
                    "action": ACTIONS.get(record.history_type, record.history_type),
                    "object": label(record),
                    "model": record.instance_type._meta.verbose_name,
                    "changes": changes,
                }
            )
            previous = record
    return entries
