"""Multi-row inserts and deletes with their django-simple-history records, from tuples."""

from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

MAX_INSERT_ROWS = 1000  # rows per INSERT … RETURNING statement
DEFAULT_MAX_PARAMS = 65535  # PostgreSQL's limit, where the database gives none
EXECUTEMANY_CHUNK = 10_000  # history rows per executemany()
DELETE_CHUNK = 500  # ids per DELETE … WHERE id IN (…)


def _chunks(sequence, size):
    for start in range(0, len(sequence), size):
        yield sequence[start : start + size]


class _Bulk:
    """Inserts of many rows with their django-simple-history records, from plain tuples.

    This writes what bulk_create_with_history writes (the rows, then one "+" history record
    each, with the author and the date), without building two model instances per row
    and without the ORM's per-value work: 20,000 rows of a spreadsheet are some 200,000
    rows of the database. Multi-row INSERT … RETURNING gives the new ids (SQLite ≥ 3.35,
    PostgreSQL), in order, as Django's own bulk_create assumes.
    """

    def __init__(self, user, now):
        self.connection = transaction.get_connection()
        self.user_id = user.pk if user is not None else None
        self.now = now
        self.with_history = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        self.dates = {}

    def batch_size(self, columns):
        limit = self.connection.features.max_query_params or DEFAULT_MAX_PARAMS
        return max(1, min(MAX_INSERT_ROWS, limit // len(columns)))

    def adapter(self, field):
        """Turn a value of this field into a database parameter (dates and datetimes only
        need it; a memo, as the same few dates come back row after row)."""
        if isinstance(field, models.DateTimeField):
            convert = self.connection.ops.adapt_datetimefield_value
        elif isinstance(field, models.DateField):
            convert = self.connection.ops.adapt_datefield_value
        else:
            return None
        memo = self.dates.setdefault(type(field), {})

        def adapt(value):
            if value not in memo:
                memo[value] = convert(value)
            return memo[value]

        return adapt

    def insert(self, model, columns, rows, returning=True):
        """Insert rows (tuples of values for `columns`, attnames); return the new ids."""
        if not rows:
            return []
        meta = model._meta
        fields = [next(f for f in meta.concrete_fields if f.attname == name) for name in columns]
        adapters = [(index, adapt) for index, adapt in enumerate(map(self.adapter, fields)) if adapt]
        if adapters:
            adapted = []
            for row in rows:
                row = list(row)
                for index, adapt in adapters:
                    row[index] = adapt(row[index])
                adapted.append(row)
        else:
            adapted = rows
        quote = self.connection.ops.quote_name
        head = "INSERT INTO %s (%s) VALUES " % (
            quote(meta.db_table),
            ", ".join(quote(f.column) for f in fields),
        )
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        can_return = self.connection.features.can_return_rows_from_bulk_insert
        tail = " RETURNING %s" % quote(meta.pk.column) if returning and can_return else ""
        ids = []
        with self.connection.cursor() as cursor:
            if not returning:
                # One statement for many rows: SQLite and psycopg run it without a round
                # trip per row, and it is parsed once.
                for chunk in _chunks(adapted, EXECUTEMANY_CHUNK):
                    cursor.executemany(head + placeholder, chunk)
            elif not can_return:  # one row at a time: slow, but right
                for row in adapted:
                    cursor.execute(head + placeholder, row)
                    ids.append(self.connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column))
            else:
                for chunk in _chunks(adapted, self.batch_size(fields)):
                    cursor.execute(
                        head + ", ".join([placeholder] * len(chunk)) + tail, [v for row in chunk for v in row]
                    )
                    ids.extend(row[0] for row in cursor.fetchall())
        return ids

    def create(self, model, values, rows):
        """Create rows of `model`: `values` names the columns given in each row (tuples);
        every other column takes its field's default. Returns the new ids, with history."""
        meta = model._meta
        given = list(values)
        defaults = [
            (field.attname, field.get_default())
            for field in meta.concrete_fields
            if field is not meta.pk and field.attname not in given
        ]
        columns = given + [name for name, _value in defaults]
        tail = tuple(value for _name, value in defaults)
        full = [tuple(row) + tail for row in rows] if tail else [tuple(row) for row in rows]
        ids = self.insert(model, columns, full)
        self.history(
            model, "+", [meta.pk.attname, *columns], [(pk, *row) for pk, row in zip(ids, full, strict=True)]
        )
        return ids

    def history(self, model, kind, columns, rows):
        """The history records ("+", "~" or "-") of rows given as tuples of `columns`."""
        if not self.with_history or not rows:
            return
        history_model = model.history.model
        index = {name: position for position, name in enumerate(columns)}
        constants = {
            "history_date": self.now,
            "history_type": kind,
            "history_user_id": self.user_id,
            "history_change_reason": None,
        }
        from_rows, constant_columns, constant_values = [], [], []
        for history_field in history_model._meta.concrete_fields:
            name = history_field.attname
            if history_field is history_model._meta.pk:
                continue
            if name in index:
                from_rows.append(name)
            elif name in constants:
                constant_columns.append(name)
                constant_values.append(constants[name])
            else:
                raise ImproperlyConfigured(f"No value for {history_model.__name__}.{name}")
        pick = itemgetter(*(index[name] for name in from_rows))
        constant_values = tuple(constant_values)
        history_rows = [pick(row) + constant_values for row in rows]
        self.insert(history_model, from_rows + constant_columns, history_rows, returning=False)

    def delete(self, model, columns, rows):
        """Delete rows given as tuples of `columns` (the first is the pk), with "-" records.
        (A queryset's delete() would write one history record per row, in one query each.)"""
        if not rows:
            return
        self.history(model, "-", columns, rows)
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for chunk in _chunks([row[0] for row in rows], DELETE_CHUNK):
                cursor.execute(
                    "DELETE FROM %s WHERE %s IN (%s)"
                    % (
                        quote(model._meta.db_table),
                        quote(model._meta.pk.column),
                        ", ".join(["%s"] * len(chunk)),
                    ),
                    chunk,
                )
