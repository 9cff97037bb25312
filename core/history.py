"""Turn django-simple-history records into "who changed what, when", told as sentences.

`history_entries(records)` gives, for each record, an entry that a page lists with
core/includes/history.html:

    {"date": …, "user": "Awa", "sentence": "Awa a modifié la liste « Ensemble ».",
     "changes": [{"field": "nom de la liste", "old": "« Avant »", "new": "« Ensemble »",
                  "text": "Nom de la liste : « Ensemble » (auparavant « Avant »)."}], …}

People read these pages, not developers: a field is named by its verbose name, a boolean
says "oui" or "non", a choice its label, a foreign key the object's name (a person their
public name), a date a long date ("1er mars 2026"), a file "fichier remplacé" (never its
path); long texts are shortened. Each model says how a sentence names one of its records
(NOUNS: "la liste « … »"), for French's genders and articles.

Diffs are computed in Python between consecutive records of the same object, and the
objects that foreign keys point to are read once per model, so a page of history costs
the same few queries whatever its length.
"""

from collections import defaultdict
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords
from simple_history.utils import get_m2m_reverse_field_name

from core.templatetags.dates import long_date, long_datetime


def tracked_history(**options):
    """HistoricalRecords keeping the author's id even after their account is deleted,
    so that the history can say "compte supprimé" rather than lose the fact."""
    return HistoricalRecords(history_user_id_field=models.BigIntegerField(null=True, blank=True), **options)


ACTIONS = {"+": gettext_lazy("creation"), "~": gettext_lazy("change"), "-": gettext_lazy("deletion")}
SENTENCES = {
    "+": gettext_lazy("%(user)s created %(what)s."),
    "~": gettext_lazy("%(user)s changed %(what)s."),
    "-": gettext_lazy("%(user)s deleted %(what)s."),
}
# Fields that say nothing to people (identifiers, secrets, counters, automatic timestamps).
SKIPPED = {"id", "slug", "token_hash", "token_expires_at", "updated_at", "revision"}
TEXT_LENGTH = 160  # a longer text is shortened, with "…"

# How a sentence names a record of each model ("app_label.modelname"): a phrase with the
# French article and gender, and the field that names the record in it (None: the
# caller's `label`, else the phrase has no name). A model missing here is named
# "« its str() » (its verbose name)".
NOUNS = {
    "actors.organization": (gettext_lazy("the organisation “%(object)s”"), "name"),
    "actors.membership": (gettext_lazy("the membership of %(object)s"), "user"),
    "actors.joinrequest": (gettext_lazy("the request to join sent by %(object)s"), "user"),
    "actors.municipalcontact": (gettext_lazy("the municipal contact %(object)s"), "user"),
    "campaigns.campaign": (gettext_lazy("the campaign “%(object)s”"), "title"),
    "campaigns.target": (gettext_lazy("the page “%(object)s” in the campaign"), "commune"),
    "campaigns.candidatelist": (gettext_lazy("the list “%(object)s”"), "name"),
    "campaigns.step": (gettext_lazy("the interpellation step “%(object)s”"), "kind"),
    "commitments.commitment": (gettext_lazy("the bulletin signed by %(object)s"), "signatory_name"),
    "commitments.commitmentitem": (gettext_lazy("the committed item “%(object)s”"), "item"),
    "commitments.mandatecommitment": (gettext_lazy("the commitment for the mandate"), None),
    "commitments.declaration": (gettext_lazy("the declared commitment to “%(object)s”"), "framework"),
    "commitments.declarationitem": (gettext_lazy("the declared item “%(object)s”"), "item"),
    "followup.update": (gettext_lazy("the follow-up update"), None),
    "followup.itemstate": (gettext_lazy("the state of the item (%(object)s)"), "voice"),
    "followup.evidence": (gettext_lazy("the evidence “%(object)s”"), "label"),
    "followup.barometer": (gettext_lazy("the barometer %(object)s"), "year"),
    "followup.rating": (gettext_lazy("the rating (%(object)s)"), "voice"),
    "frameworks.frameworkdraft": (gettext_lazy("the framework draft"), None),
    "coconstruction.committee": (gettext_lazy("the follow-up committee"), None),
    "coconstruction.committeeorganization": (
        gettext_lazy("the organisation's participation in the committee (%(object)s)"),
        "organization",
    ),
    "coconstruction.committeemember": (
        gettext_lazy("a person's participation in the committee (%(object)s)"),
        "user",
    ),
    "coconstruction.meeting": (gettext_lazy("the meeting “%(object)s”"), "title"),
    "coconstruction.decision": (gettext_lazy("the decision on %(object)s"), "item"),
    "coconstruction.workinggroup": (gettext_lazy("the working group “%(object)s”"), "name"),
    "coconstruction.workinggroupmember": (
        gettext_lazy("a person's participation in the working group (%(object)s)"),
        "user",
    ),
    "coconstruction.document": (gettext_lazy("the document “%(object)s”"), "title"),
}
# Names for the fields whose model left Django's default (the attribute's name, in English).
FIELD_LABELS = {
    "created_by": pgettext_lazy("history", "author"),
    "created_at": pgettext_lazy("history", "date of creation"),
    "target": gettext_lazy("commune of a campaign"),
    "campaign": gettext_lazy("campaign"),
    "commitment": pgettext_lazy("history", "bulletin"),
    "declaration": pgettext_lazy("history", "declaration"),
    "item": gettext_lazy("item"),
    "level": gettext_lazy("ambition level"),
    "published_framework": pgettext_lazy("history", "published framework"),
}


def field_label(field):
    """The field's name for people: its verbose name, or ours when it has none."""
    if field.verbose_name == field.name.replace("_", " ") and field.name in FIELD_LABELS:
        return str(FIELD_LABELS[field.name])
    return str(field.verbose_name)


def _related_name(obj):
    return getattr(obj, "public_name", None) or str(obj)


def shown(record, field, related):
    """The value of `field` in `record` as people read it (a quoted text, "oui", a long
    date, a person's name…); None when it is empty. Files and structured data are
    described by `_change_text`, never shown."""
    value = getattr(record, field.attname, None)
    if value is None or value == "":
        return None
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        obj = related.get(field.related_model, {}).get(value)
        if obj is None:
            return (
                _("deleted account") if field.related_model is get_user_model() else _("(no longer exists)")
            )
        return _related_name(obj)
    if isinstance(value, datetime):
        return long_datetime(value)
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, (int, float)):
        return str(value)
    text = Truncator(" ".join(str(value).split())).chars(TEXT_LENGTH)
    return _("“%(text)s”") % {"text": text}


def _file_text(name, old, new):
    if not old:
        return _("%(field)s: file added.") % {"field": name}
    if not new:
        return _("%(field)s: file removed.") % {"field": name}
    return _("%(field)s: file replaced.") % {"field": name}


def _change_text(field, old, new):
    """One sentence for a field that changed; `old` and `new` are as `shown` gives them."""
    name = capfirst(field_label(field))
    if new is None:
        return _("%(field)s: no value now (previously %(old)s).") % {"field": name, "old": old}
    if old is None:
        return _("%(field)s: %(new)s.") % {"field": name, "new": new}
    return _("%(field)s: %(new)s (previously %(old)s).") % {"field": name, "new": new, "old": old}


def changes_between(previous, record, fields, related):
    """What changed from `previous` to `record`, each change with its sentence."""
    changes = []
    for field in fields:
        old_value, new_value = getattr(previous, field.attname, None), getattr(record, field.attname, None)
        if old_value == new_value:
            continue
        if isinstance(field, models.FileField):
            text = _file_text(capfirst(field_label(field)), old_value, new_value)
            old = new = None
        elif isinstance(field, models.JSONField):
            text = _("%(field)s: content changed.") % {"field": capfirst(field_label(field))}
            old = new = None
        else:
            old, new = shown(previous, field, related), shown(record, field, related)
            text = _change_text(field, old, new)
        changes.append({"field": field_label(field), "old": old, "new": new, "text": text})
    return changes


def _m2m_sets(records):
    """{history_id: {m2m field: set of ids}} for the many-to-many fields the history tracks
    (one query per field), and the objects they point to (one query per model)."""
    sets, related = defaultdict(dict), {}
    history_model = type(records[0])
    for field in getattr(records[0], "_history_m2m_fields", ()):
        m2m_model = getattr(history_model, field.name).model
        target = get_m2m_reverse_field_name(field)
        rows = m2m_model.objects.filter(history_id__in=[record.history_id for record in records])
        for history_id, target_id in rows.values_list("history_id", f"{target}_id"):
            sets[history_id].setdefault(field, set()).add(target_id)
        wanted = {target_id for by_field in sets.values() for target_id in by_field.get(field, ())}
        related[field] = field.related_model.objects.in_bulk(wanted)
    return sets, related


def _m2m_changes(previous, record, m2m):
    sets, related = m2m
    changes = []
    for field, objects in related.items():
        before = sets[previous.history_id].get(field, set())
        after = sets[record.history_id].get(field, set())
        name = capfirst(field_label(field))
        for ids, message in (
            (after - before, _("%(field)s, added: %(names)s.")),
            (before - after, _("%(field)s, removed: %(names)s.")),
        ):
            if ids:
                names = sorted(_related_name(objects[pk]) if pk in objects else "—" for pk in ids)
                text = message % {"field": name, "names": ", ".join(names)}
                changes.append({"field": field_label(field), "old": None, "new": None, "text": text})
    return changes


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
    """(who, as a list names them; who, as the subject of a sentence)."""
    if user_id is None:
        return _("the platform"), _("the platform")
    user = users.get(user_id)
    if user is None:
        return _("deleted account"), _("a deleted account")
    return user.public_name, user.public_name


def _tracked_fields(record):
    """The fields of the record's model worth telling people about."""
    return [
        field
        for field in record.instance_type._meta.concrete_fields
        if field.name not in SKIPPED and field.editable and hasattr(record, field.attname)
    ]


def _namer(model, label, fields, related):
    """record → (its name, the phrase naming it in a sentence)."""
    phrase, name_field = NOUNS.get(model._meta.label_lower, (None, None))
    by_name = {field.name: field for field in fields}

    def name(record):
        if label is not None:
            return label(record)
        if name_field in by_name:
            field = by_name[name_field]
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                return getattr(record, field.attname, "") or "—"  # a name: not quoted twice
            return shown(record, field, related) or "—"
        return str(record.instance)

    def describe(record):
        object_name = name(record)
        if phrase is None:
            what = _("“%(object)s” (%(model)s)") % {"object": object_name, "model": model._meta.verbose_name}
        else:
            what = str(phrase) % {"object": object_name} if "%(object)s" in str(phrase) else str(phrase)
        return object_name, what

    return describe


def history_entries(records, *, label=None):
    """Entries for a list of historical records of one model (any order).

    `label(record)` names the object (else the model's field in NOUNS, else its str());
    make it read only what was selected.
    """
    if not records:
        return []
    model = records[0].instance_type
    user_ids = {record.history_user_id for record in records if record.history_user_id}
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    fields = _tracked_fields(records[0])
    related = _related_objects(records, fields)
    describe = _namer(model, label, fields, related)
    m2m = _m2m_sets(records)
    by_object = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    entries = []
    for object_records in by_object.values():
        object_records.sort(key=lambda record: record.history_date)
        previous = None
        for record in object_records:
            changes = []
            if previous is not None and record.history_type == "~":
                changes = changes_between(previous, record, fields, related) + _m2m_changes(
                    previous, record, m2m
                )
            user, subject = _author(record.history_user_id, users)
            object_name, what = describe(record)
            sentence = SENTENCES.get(record.history_type, SENTENCES["~"]) % {"user": subject, "what": what}
            entries.append(
                {
                    "date": record.history_date,
                    "user": user,
                    "action": ACTIONS.get(record.history_type, record.history_type),
                    "object": object_name,
                    "model": model._meta.verbose_name,
                    "sentence": capfirst(sentence),
                    "changes": changes,
                }
            )
            previous = record
    return entries
