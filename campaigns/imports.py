"""Import of signed commitments (bulletins d'engagement) from a CSV or XLSX spreadsheet.

Partners keep spreadsheets of who signed what. A coordinator uploads one for a campaign:

- `import_check(upload, campaign=…)` reads and validates every row and writes nothing: each
  row's outcome (create / update / unchanged / error) and every error with its line and column;
- `import_apply(upload, campaign=…, user=…)` validates again and, when no row has an error,
  writes everything in one transaction (otherwise it raises ImportRefused and writes nothing);
- `import_template(fmt)` is an empty template (header and one example row).

The number of queries does not grow with the rows: the communes, and the campaign's targets,
lists and commitments, are read once into dictionaries; new rows are written in bulk, a chunk
of rows at a time, with their django-simple-history records (see _Bulk).
"""

import contextlib
import csv
import io
import logging
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import PurePath

import openpyxl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_update_with_history

from commitments import domain
from commitments.models import Commitment, CommitmentItem, MandateCommitment
from frameworks.models import Item
from territories.models import ARTICLES, Commune, Department, full_name
from territories.normalize import normalize, words

from .models import Campaign, CandidateList, Target

logger = logging.getLogger(__name__)

# The template's columns, in order. The headers are French data (not translated): a file's
# headers match them ignoring case, accents, spaces and underscores.
COLUMNS = [
    "code_insee",
    "commune",
    "departement",
    "liste",
    "tete_de_liste",
    "email",
    "etiquette",
    "referentiel",
    "engagements",
    "signataire",
    "qualite",
    "date_signature",
    "elue",
]

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# Rows written per step of import_apply (and per call of `progress`).
WRITE_CHUNK = 2000

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTIONS = (CREATE, UPDATE, UNCHANGED, ERROR)
ACTION_LABELS = {
    CREATE: gettext_lazy("new"),
    UPDATE: gettext_lazy("update"),
    UNCHANGED: gettext_lazy("unchanged"),
    ERROR: gettext_lazy("error"),
}

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls files (and encrypted .xlsx)

MAX_LENGTHS = {
    "liste": 200,
    "tete_de_liste": 150,
    "email": 254,
    "etiquette": 100,
    "signataire": 150,
    "qualite": 150,
}
TRUE_VALUES = {"oui", "o", "1", "x", "vrai", "true", "yes", "y"}
FALSE_VALUES = {"", "non", "n", "0", "faux", "false", "no"}
CODE_SEPARATORS = re.compile(r"[;,\s]+")
INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
SUGGESTIONS = 3
ITEM_COLUMNS = ("id", "commitment_id", "item_id", "level_id", "comment")
LIST_FIELDS = ("id", "target_id", "name", "head_name", "email", "political_label", "is_elected", "created_at")


class ImportFileError(Exception):
    """The whole file is refused (format, encoding, columns, size); str() is for people."""


class ImportRefused(Exception):
    """import_apply found errors in rows: nothing was written. `report` says which."""

    def __init__(self, report):
        self.report = report
        count = len(report.errors)
        super().__init__(
            ngettext(
                "The file has errors on %(count)s line: nothing was imported.",
                "The file has errors on %(count)s lines: nothing was imported.",
                count,
            )
            % {"count": count}
        )


@dataclass
class RowOutcome:
    line: int
    commune: str = ""
    list_name: str = ""
    action: str = CREATE
    errors: list = field(default_factory=list)  # [(column header, message)]
    suggestions: list = field(default_factory=list)  # ["Saint-Denis (93) — 93066", …]

    @property
    def action_label(self):
        return str(ACTION_LABELS[self.action])

    def error(self, column, message):
        self.errors.append((column, str(message)))
        self.action = ERROR


@dataclass
class ImportReport:
    rows: list = field(default_factory=list)

    @property
    def counts(self):
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def errors(self):
        return [row for row in self.rows if row.errors]

    @property
    def ok(self):
        return not any(row.errors for row in self.rows)


# Reading the file -------------------------------------------------------------------


def _header_key(text):
    """Headers match loosely: "Tête de liste", "tete_de_liste" and "TETE DE LISTE" are one."""
    return "".join(words(str(text or "")))


COLUMN_KEYS = {_header_key(column): column for column in COLUMNS}


def _read_bytes(upload):
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(_too_large())
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise ImportFileError(_too_large())
    return data


def _too_large():
    return gettext("The file is larger than %(max)s MB: split it into several files.") % {
        "max": MAX_BYTES // (1024 * 1024)
    }


def _too_many_rows():
    return gettext("The file has more than %(max)s rows: split it into several files.") % {
        "max": f"{MAX_ROWS:,}".replace(",", " ")
    }


def _csv_rows(data):
    """(line, [values]) of the non-empty lines; the line is where the row starts in the file."""
    try:
        text = data.decode("utf-8-sig")  # strict: a cp1252 export must not be misread
    except UnicodeDecodeError:
        raise ImportFileError(
            gettext(
                "This file is not encoded in UTF-8: in your spreadsheet, save it as “CSV UTF-8” "
                "(comma or semicolon separated) and try again."
            )
        ) from None
    if "\x00" in text:
        raise ImportFileError(_unsupported())
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)  # ties go to the first: ";" then ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for values in reader:
            start, previous = previous + 1, reader.line_num
            if any(value.strip() for value in values):
                yield start, values
    except csv.Error:
        raise ImportFileError(
            gettext("The file cannot be read as CSV near line %(line)s.") % {"line": reader.line_num}
        ) from None


def _xlsx_rows(data):
    """(row number, [values]) of the non-empty rows of the first sheet."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # zipfile, XML and openpyxl errors alike: the file is not a workbook
        raise ImportFileError(gettext("This file cannot be read as an Excel workbook (.xlsx).")) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(gettext("The file is empty."))
        sheet = workbook.worksheets[0]
        # Some producers write wrong dimensions; read every row the sheet really has.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(value is not None and str(value).strip() for value in values):
                yield number, list(values)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(gettext("This file cannot be read as an Excel workbook (.xlsx).")) from None
    finally:
        workbook.close()


def _unsupported():
    return gettext("Unsupported file: send a spreadsheet as CSV (UTF-8) or Excel (.xlsx).")


def _cell(value):
    """A cell as text (spaces collapsed), or a date for date cells of a workbook."""
    if type(value) is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _read(upload):
    """The header (canonical column names, None for ignored columns) and the data rows
    as (line, {column: value})."""
    data = _read_bytes(upload)
    if not data.strip():
        raise ImportFileError(gettext("The file is empty."))
    extension = PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
    if extension == "xlsx" or (extension != "csv" and data.startswith(b"PK")):
        rows = _xlsx_rows(data)
    elif extension == "csv":
        rows = _csv_rows(data)
    elif extension == "xls" or data.startswith(OLE_SIGNATURE):
        raise ImportFileError(
            gettext("This is an old Excel file (.xls): save it as .xlsx or as “CSV UTF-8”.")
        )
    else:
        raise ImportFileError(_unsupported())

    header_line = next(rows, None)
    if header_line is None:
        raise ImportFileError(gettext("The file is empty."))
    columns = _columns(header_line[1])
    width = len(columns)
    headerless = [index for index, column in enumerate(columns) if column is None]
    parsed = []
    for line, values in rows:
        if len(parsed) >= MAX_ROWS:
            raise ImportFileError(_too_many_rows())
        cells = [_cell(value) for value in values[:width]]
        # A value under no header: the letter of its column, as a spreadsheet shows it.
        extra = next((index for index in headerless if index < len(cells) and cells[index] != ""), None)
        if extra is None and len(values) > width:
            extra = next((index for index in range(width, len(values)) if _cell(values[index]) != ""), None)
        if extra is not None:
            extra = get_column_letter(extra + 1)
        parsed.append(
            (line, {column: cell for column, cell in zip(columns, cells, strict=False) if column}, extra)
        )
    if not parsed:
        raise ImportFileError(gettext("The file has a header but no rows to import."))
    return set(filter(None, columns)), parsed


def _columns(values):
    columns, unknown, seen = [], [], set()
    for value in values:
        text = str(value).strip() if value is not None else ""
        if not text:
            columns.append(None)  # a column without a header is ignored
            continue
        column = COLUMN_KEYS.get(_header_key(text))
        if column is None:
            unknown.append(text)
        elif column in seen:
            raise ImportFileError(gettext("The column “%(column)s” appears twice.") % {"column": text})
        seen.add(column)
        columns.append(column)
    if unknown:
        raise ImportFileError(
            gettext("Unknown columns: %(columns)s. The columns are: %(expected)s.")
            % {"columns": ", ".join(f"“{name}”" for name in unknown), "expected": ", ".join(COLUMNS)}
        )
    return columns


def _check_columns(present, campaign, frameworks):
    if "code_insee" not in present and "commune" not in present:
        raise ImportFileError(gettext("The file needs a “code_insee” column or a “commune” column."))
    required = ["engagements", "date_signature"]
    if campaign.kind_spec.has_lists:
        required += ["liste", "tete_de_liste"]
    else:
        required += ["qualite"]
    if len(frameworks) > 1:
        required.append("referentiel")
    missing = [column for column in COLUMNS if column in required and column not in present]
    if missing:
        raise ImportFileError(gettext("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})


# What the database already holds --------------------------------------------------------


def _article_key(name_type):
    return normalize(ARTICLES.get(name_type, ""))


@dataclass(slots=True)
class _Commune:
    pk: int
    code: str
    name: str
    department: str
    kind: str
    is_active: bool
    parent_id: int | None

    @property
    def label(self):
        return f"{self.name} ({self.department})"

    @property
    def suggestion(self):
        return f"{self.name} ({self.department}) — {self.code}"


class _Communes:
    """Every commune, read once: by code, by normalised name (with and without its
    article), and sorted names for cheap "did you mean" suggestions."""

    def __init__(self):
        self.by_pk, self.by_code = {}, {}
        self.by_name = defaultdict(list)
        articles = {name_type: _article_key(name_type) + " " for name_type in ARTICLES if ARTICLES[name_type]}
        rows = Commune.objects.values_list(
            "pk",
            "code",
            "name",
            "name_type",
            "kind",
            "is_active",
            "department__code",
            "parent_id",
            "search_name",
        ).order_by("code")
        for pk, code, name, name_type, kind, is_active, department, parent_id, search_name in rows.iterator(
            chunk_size=5000
        ):
            commune = _Commune(pk, code, full_name(name, name_type), department, kind, is_active, parent_id)
            self.by_pk[pk] = commune
            self.by_code[code] = commune
            if not is_active or kind != Commune.Kind.COMMUNE:
                continue
            key = search_name.strip()
            self.by_name[key].append(commune)
            article = articles.get(name_type)
            if article and key.startswith(article):
                self.by_name[key[len(article) :]].append(commune)
        self.sorted_names = sorted(self.by_name)
        self.departments = set(Department.objects.values_list("code", flat=True))
        self._suggested = {}

    def close_to(self, key, department=None):
        """Up to 3 communes whose name starts like `key` (dropping its last letters until some match)."""
        cache_key = (key, department)
        if cache_key not in self._suggested:
            found = []
            probe = key
            while len(probe) >= 3 and not found:
                index = bisect_left(self.sorted_names, probe)
                scanned = 0
                while (
                    index < len(self.sorted_names)
                    and self.sorted_names[index].startswith(probe)
                    and len(found) < SUGGESTIONS
                    and scanned < 2000
                ):
                    for commune in self.by_name[self.sorted_names[index]]:
                        if (department is None or commune.department == department) and commune not in found:
                            found.append(commune)
                    index += 1
                    scanned += 1
                probe = probe[:-1]
            self._suggested[cache_key] = found[:SUGGESTIONS]
        return self._suggested[cache_key]


class _Campaign:
    """The campaign's frameworks and items, and what it already holds, read once."""

    def __init__(self, campaign):
        self.campaign = campaign
        self.frameworks = list(campaign.frameworks.all().order_by("slug", "version"))
        self.framework_keys = defaultdict(list)
        for framework in self.frameworks:
            for key in {framework.slug.lower(), normalize(framework.short_title), normalize(framework.title)}:
                if framework not in self.framework_keys[key]:
                    self.framework_keys[key].append(framework)
        self.items = defaultdict(dict)  # framework id -> {code: item id}
        self.item_aliases = defaultdict(dict)  # framework id -> {"1": id of "01"}
        for pk, framework_id, code in Item.objects.filter(framework__in=self.frameworks).values_list(
            "pk", "framework_id", "code"
        ):
            self.items[framework_id][code.upper()] = pk
            if code.isdigit():
                self.item_aliases[framework_id].setdefault(str(int(code)), pk)

        # Plain records rather than model instances: a campaign may hold tens of thousands.
        self.targets = {  # commune id -> target
            commune_id: _TargetRef(pk, status)
            for pk, commune_id, status in Target.objects.filter(campaign=campaign).values_list(
                "pk", "commune_id", "status"
            )
        }
        self.lists = defaultdict(dict)  # target id -> {folded name: list}
        for values in CandidateList.objects.filter(target__campaign=campaign).values_list(*LIST_FIELDS):
            candidate_list = _ListRef(*values)
            self.lists[candidate_list.target_id][_fold(candidate_list.name)] = candidate_list
        self.commitments = {}  # (target id, list id or None, framework id) -> active commitment id
        self.list_commitments = defaultdict(list)  # list id -> its active commitments' ids
        self.channels = {}  # active commitment id -> how it was signed
        active = Commitment.objects.filter(target__campaign=campaign, withdrawn_at__isnull=True).values_list(
            "pk", "target_id", "candidate_list_id", "framework_id", "channel"
        )
        for pk, target_id, list_id, framework_id, channel in active:
            self.commitments[(target_id, list_id, framework_id)] = pk
            self.channels[pk] = channel
            if list_id:
                self.list_commitments[list_id].append(pk)
        self.commitment_items = defaultdict(dict)  # commitment id -> {item id: (ITEM_COLUMNS values)}
        for values in CommitmentItem.objects.filter(
            commitment__target__campaign=campaign, commitment__withdrawn_at__isnull=True
        ).values_list(*ITEM_COLUMNS):
            self.commitment_items[values[1]][values[2]] = values
        self.mandates = set(
            MandateCommitment.objects.filter(commitment__target__campaign=campaign).values_list(
                "commitment_id", flat=True
            )
        )

    def list_of(self, commune_pk, key):
        """The commune's list of this folded name (_Row.list_key)."""
        target = self.targets.get(commune_pk)
        if target is None:
            return None
        return self.lists[target.pk].get(key)

    def elected_list(self, commune_pk):
        target = self.targets.get(commune_pk)
        if target is None:
            return None
        return next((item for item in self.lists[target.pk].values() if item.is_elected), None)

    def commitment_of(self, commune_pk, candidate_list, framework_id):
        target = self.targets.get(commune_pk)
        if target is None:
            return None
        return self.commitments.get((target.pk, candidate_list.pk if candidate_list else None, framework_id))


@dataclass(slots=True)
class _TargetRef:
    pk: int
    status: str


@dataclass(slots=True)
class _ListRef:
    """A candidate list, as LIST_FIELDS."""

    pk: int | None
    target_id: int
    name: str
    head_name: str
    email: str
    political_label: str
    is_elected: bool
    created_at: datetime

    def instance(self):
        return CandidateList(**{name: getattr(self, "pk" if name == "id" else name) for name in LIST_FIELDS})


def _fold(name):
    return " ".join(name.split()).casefold()


# Validation ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    outcome: RowOutcome
    commune: _Commune | None = None
    list_name: str = ""
    list_key: str = ""  # the name folded (_fold), as lists are matched
    head_name: str = ""
    email: str = ""
    label: str = ""
    framework_id: int | None = None
    item_ids: tuple = ()
    signatory: str = ""
    role: str = ""
    signed_on: date | None = None
    elected: bool = False


def _text(values, column):
    value = values.get(column, "")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def _required():
    return gettext("Required.")


class _Validator:
    def __init__(self, campaign, communes, state):
        self.campaign = campaign
        self.kind = campaign.kind_spec
        self.head_role = gettext("head of list")
        self.communes = communes
        self.state = state
        self.today = timezone.localdate()
        self.email_validator = EmailValidator()
        self.normalized = {}

    def key(self, name):
        if name not in self.normalized:
            self.normalized[name] = normalize(name)
        return self.normalized[name]

    def row(self, line, values, extra):
        outcome = RowOutcome(line=line)
        row = _Row(outcome)
        if extra:
            outcome.error(extra, gettext("This line has a value in a column without a header."))
        self.commune(row, values)
        self.lists(row, values)
        self.framework(row, values)
        self.signature(row, values)
        return row

    # The commune

    def commune(self, row, values):
        outcome = row.outcome
        code = _text(values, "code_insee").upper().replace(" ", "")
        name = _text(values, "commune")
        department = _text(values, "departement").upper().replace(" ", "")
        if code.isdigit() and len(code) == 4:  # a spreadsheet dropped the leading zero
            code = "0" + code
        if department.isdigit() and len(department) == 1:
            department = "0" + department
        outcome.commune = name or code
        if department and department not in self.communes.departments:
            outcome.error(
                "departement", gettext("Unknown department “%(department)s”.") % {"department": department}
            )
            department = None
        if code:
            self.commune_by_code(row, code, name, department)
        elif name:
            self.commune_by_name(row, name, department)
        else:
            outcome.error("commune", gettext("Give the INSEE code or the name of the commune."))
        if row.commune is not None:
            outcome.commune = row.commune.label

    def commune_by_code(self, row, code, name, department):
        outcome = row.outcome
        if not INSEE_CODE.match(code):
            outcome.error("code_insee", gettext("An INSEE code has 5 characters, such as 93066 or 2A004."))
            return
        commune = self.communes.by_code.get(code)
        if commune is None:
            outcome.error("code_insee", gettext("Unknown INSEE code %(code)s.") % {"code": code})
            if name:
                self.suggest(row, name, department)
            return
        if commune.kind != Commune.Kind.COMMUNE:
            city = self.communes.by_pk.get(commune.parent_id)
            if city:
                message = gettext(
                    "%(commune)s is a municipal arrondissement: use the code of its city, %(city)s."
                )
                outcome.suggestions.append(city.suggestion)
            else:
                message = gettext("%(commune)s is a municipal arrondissement: use the code of its city.")
            outcome.error(
                "code_insee",
                message % {"commune": commune.label, "city": f"{city.name} ({city.code})" if city else ""},
            )
            return
        if not commune.is_active:
            outcome.error(
                "code_insee",
                gettext(
                    "The commune %(commune)s (%(code)s) no longer exists: use the code of the new commune."
                )
                % {"commune": commune.label, "code": code},
            )
            return
        problem = False
        if name:
            key = self.key(name)
            if commune not in self.communes.by_name.get(key, ()):
                outcome.error(
                    "commune",
                    gettext("The INSEE code %(code)s is %(commune)s, not “%(name)s”.")
                    % {"code": code, "commune": commune.label, "name": name},
                )
                problem = True
        if department and department != commune.department:
            outcome.error(
                "departement",
                gettext("%(commune)s is in the department %(department)s, not %(given)s.")
                % {"commune": commune.name, "department": commune.department, "given": department},
            )
            problem = True
        if problem:
            outcome.suggestions.append(commune.suggestion)
        else:
            row.commune = commune

    def commune_by_name(self, row, name, department):
        outcome = row.outcome
        key = self.key(name)
        candidates = self.communes.by_name.get(key, [])
        if department:
            in_department = [commune for commune in candidates if commune.department == department]
            if not in_department:
                outcome.error(
                    "commune",
                    gettext("No commune named “%(name)s” in the department %(department)s.")
                    % {"name": name, "department": department},
                )
                outcome.suggestions.extend(commune.suggestion for commune in candidates[:SUGGESTIONS])
                if not candidates:
                    self.suggest(row, name, department)
                return
            candidates = in_department
        if not candidates:
            outcome.error("commune", gettext("No commune named “%(name)s”.") % {"name": name})
            self.suggest(row, name, department)
        elif len(candidates) > 1:
            outcome.error(
                "commune",
                gettext("Several communes are named “%(name)s”: add the department or the INSEE code.")
                % {"name": name},
            )
            outcome.suggestions.extend(
                commune.suggestion for commune in sorted(candidates, key=lambda commune: commune.code)
            )
        else:
            row.commune = candidates[0]

    def suggest(self, row, name, department):
        key = self.key(name)
        if key:
            found = self.communes.close_to(key, department) or (
                self.communes.close_to(key) if department else []
            )
            row.outcome.suggestions.extend(commune.suggestion for commune in found)

    # The list (kinds with lists) or the municipality

    def lists(self, row, values):
        outcome = row.outcome
        for column in ("liste", "tete_de_liste", "email", "etiquette", "signataire", "qualite"):
            value = _text(values, column)
            if len(value) > MAX_LENGTHS[column]:
                outcome.error(column, gettext("At most %(max)s characters.") % {"max": MAX_LENGTHS[column]})
        row.list_name = _text(values, "liste")[: MAX_LENGTHS["liste"]]
        row.list_key = _fold(row.list_name)
        row.head_name = _text(values, "tete_de_liste")[: MAX_LENGTHS["tete_de_liste"]]
        row.email = _text(values, "email")
        row.label = _text(values, "etiquette")[: MAX_LENGTHS["etiquette"]]
        outcome.list_name = row.list_name
        elected = values.get("elue", "")
        elected = elected.lower() if isinstance(elected, str) else "?"
        if elected in TRUE_VALUES:
            row.elected = True
        elif elected not in FALSE_VALUES:
            outcome.error("elue", gettext("Write “oui” or “non” (or leave empty)."))
        if self.kind.has_lists:
            for column, value in (("liste", row.list_name), ("tete_de_liste", row.head_name)):
                if not value:
                    outcome.error(column, _required())
            if row.elected and not self.kind.records_result:
                outcome.error("elue", self.kind.result_refused)
        else:
            message = self.kind.lists_refused_in_file
            for column in ("liste", "tete_de_liste", "email", "etiquette"):
                if _text(values, column):
                    outcome.error(column, message)
            if row.elected:
                outcome.error("elue", message)
        if row.email and len(row.email) <= MAX_LENGTHS["email"]:
            try:
                self.email_validator(row.email)
            except ValidationError as error:
                outcome.error("email", error.messages[0])

    # The framework and its items

    def framework(self, row, values):
        outcome = row.outcome
        frameworks = self.state.frameworks
        given = _text(values, "referentiel")
        choices = ", ".join(framework.slug for framework in frameworks)
        if not given:
            if len(frameworks) != 1:
                outcome.error(
                    "referentiel", gettext("Give the framework: %(choices)s.") % {"choices": choices}
                )
                return
            framework = frameworks[0]
        else:
            found = self.state.framework_keys.get(given.lower()) or self.state.framework_keys.get(
                self.key(given), []
            )
            if not found:
                outcome.error(
                    "referentiel",
                    gettext("Unknown framework “%(value)s” for this campaign. Possible values: %(choices)s.")
                    % {"value": given, "choices": choices},
                )
                return
            if len(found) > 1:
                outcome.error(
                    "referentiel",
                    gettext("“%(value)s” matches several frameworks: use one of %(choices)s.")
                    % {"value": given, "choices": ", ".join(f"{f.slug} ({f.version})" for f in found)},
                )
                return
            framework = found[0]
        row.framework_id = framework.pk
        codes = [code for code in CODE_SEPARATORS.split(_text(values, "engagements").upper()) if code]
        if not codes:
            outcome.error("engagements", gettext("Give at least one item code."))
            return
        items, aliases = self.state.items[framework.pk], self.state.item_aliases[framework.pk]
        found_ids, unknown = [], []
        for code in codes:
            pk = items.get(code)
            if pk is None and code.isdigit():
                pk = aliases.get(str(int(code)))
            if pk is None:
                if code not in unknown:
                    unknown.append(code)
            elif pk not in found_ids:
                found_ids.append(pk)
        if unknown:
            outcome.error(
                "engagements",
                gettext("Unknown item codes for %(framework)s: %(codes)s.")
                % {"framework": framework.short_title, "codes": ", ".join(unknown)},
            )
            return
        row.item_ids = tuple(found_ids)

    # The signature

    def signature(self, row, values):
        outcome = row.outcome
        row.signatory = _text(values, "signataire")[: MAX_LENGTHS["signataire"]] or row.head_name
        row.role = _text(values, "qualite")[: MAX_LENGTHS["qualite"]]
        if not row.role and self.kind.has_lists:
            row.role = self.head_role
        if not row.signatory and not self.kind.has_lists:  # else tete_de_liste is missing
            outcome.error("signataire", _required())
        if not row.role:
            outcome.error("qualite", _required())
        signed_on = _date(values.get("date_signature", ""))
        if signed_on is None:
            outcome.error("date_signature", _required())
        elif signed_on is False:
            outcome.error(
                "date_signature",
                gettext("Unreadable date: write it as DD/MM/YYYY (for example 15/03/2026) or YYYY-MM-DD."),
            )
        elif signed_on > self.today:
            outcome.error("date_signature", gettext("The date of signature cannot be in the future."))
        else:
            row.signed_on = signed_on


def _date(value):
    """A date; None when empty; False when unreadable."""
    if isinstance(value, date):
        return value
    if not value:
        return None
    match = DATE_FR.match(value)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        match = DATE_ISO.match(value)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return False
    return False


def _cross_checks(rows, campaign, state):
    """What needs several rows or the database: duplicates, heads of list, elected lists."""
    has_lists = campaign.kind_spec.has_lists
    seen, heads, elected = {}, {}, {}
    for row in rows:
        outcome, commune = row.outcome, row.commune
        if commune is None:
            continue
        list_key = row.list_key if has_lists else None
        if row.framework_id is not None:
            key = (commune.pk, list_key, row.framework_id)
            if key in seen:
                if has_lists:
                    message = gettext("Same commune, list and framework as line %(line)s.")
                else:
                    message = gettext("Same commune and framework as line %(line)s.")
                outcome.error("liste" if has_lists else "referentiel", message % {"line": seen[key]})
            else:
                seen[key] = outcome.line
        if not has_lists or not list_key:
            continue
        head_key = (commune.pk, list_key)
        if row.head_name:
            if head_key in heads and _fold(heads[head_key][1]) != _fold(row.head_name):
                line, head = heads[head_key]
                outcome.error(
                    "tete_de_liste",
                    gettext("The list “%(list)s” has another head of list on line %(line)s: %(head)s.")
                    % {"list": row.list_name, "line": line, "head": head},
                )
            heads.setdefault(head_key, (outcome.line, row.head_name))
        if row.elected:
            other = elected.get(commune.pk)
            if other and other[1] != list_key:
                outcome.error(
                    "elue",
                    gettext("Another list of this commune is marked elected on line %(line)s.")
                    % {"line": other[0]},
                )
            elected.setdefault(commune.pk, (outcome.line, list_key))
            in_database = state.elected_list(commune.pk)
            if in_database is not None and _fold(in_database.name) != list_key:
                outcome.error(
                    "elue",
                    gettext("Another list of this commune, “%(list)s”, is already recorded as elected.")
                    % {"list": in_database.name},
                )


def _list_changes(row, candidate_list):
    """The fields of an existing list that the row changes (a file completes a list:
    commitments.domain.list_change)."""
    current = (
        candidate_list.head_name,
        candidate_list.email,
        candidate_list.political_label,
        candidate_list.is_elected,
    )
    wanted = (row.head_name, row.email, row.label, row.elected)
    if wanted == current:  # the usual case of a file imported again: nothing to ask the rule
        return {}
    return domain.list_change(domain.ListState(*current), domain.ListState(*wanted), completes=True)


def _actions(rows, campaign, state):
    has_lists = campaign.kind_spec.has_lists
    for row in rows:
        if row.outcome.errors:
            continue
        candidate_list = state.list_of(row.commune.pk, row.list_key) if has_lists else None
        if has_lists and candidate_list is None:
            row.outcome.action = CREATE
            continue
        commitment = state.commitment_of(row.commune.pk, candidate_list, row.framework_id)
        if commitment is None:
            row.outcome.action = CREATE
        elif state.channels.get(commitment) != Commitment.Channel.IMPORT and set(
            state.commitment_items[commitment]
        ) != set(row.item_ids):
            # A bulletin signed online, on paper or by deliberation is the signatory's word:
            # a spreadsheet never rewrites it.
            row.outcome.error(
                "engagements",
                gettext(
                    "This bulletin was signed online, on paper or by deliberation with other items: "
                    "a spreadsheet does not change it (it can be withdrawn, then signed again)."
                ),
            )
        elif set(state.commitment_items[commitment]) != set(row.item_ids) or (
            candidate_list is not None and _list_changes(row, candidate_list)
        ):
            row.outcome.action = UPDATE
        else:
            row.outcome.action = UNCHANGED


def _validate(read, campaign, communes):
    """The report and the validated rows of a file read by _read, against the database."""
    present, raw_rows = read
    state = _Campaign(campaign)
    _check_columns(present, campaign, state.frameworks)
    validator = _Validator(campaign, communes, state)
    rows = [validator.row(line, values, extra) for line, values, extra in raw_rows]
    _cross_checks(rows, campaign, state)
    _actions(rows, campaign, state)
    return ImportReport(rows=[row.outcome for row in rows]), rows, state


# Public functions --------------------------------------------------------------------


def import_check(upload, *, campaign):
    """Read and validate the file; write nothing. Raises ImportFileError for the whole file."""
    report, _rows, _state = _validate(_read(upload), campaign, _Communes())
    return report


def import_apply(upload, *, campaign, user, group=None, progress=None):
    """Validate again and write every row in one transaction, or nothing (ImportRefused).

    `progress(done, total)` is called as rows are written.
    """
    # Reading the file and the communes needs no transaction (nor the write lock of SQLite).
    read, communes = _read(upload), _Communes()
    try:
        with transaction.atomic():
            # Serialise imports of one campaign (PostgreSQL; SQLite serialises writes anyway).
            Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
            report, rows, state = _validate(read, campaign, communes)
            if not report.ok:
                raise ImportRefused(report)
            _Writer(campaign, state, user, group).write(rows, progress)
    except IntegrityError:
        logger.warning(
            "Import of commitments into %s collided with another change", campaign.slug, exc_info=True
        )
        raise ImportFileError(
            gettext("The campaign changed during the import: nothing was imported, try again.")
        ) from None
    return report


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
        limit = self.connection.features.max_query_params or 65535
        return max(1, min(1000, limit // len(columns)))

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
                for chunk in _chunks(adapted, 10_000):
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
            for chunk in _chunks([row[0] for row in rows], 500):
                cursor.execute(
                    "DELETE FROM %s WHERE %s IN (%s)"
                    % (
                        quote(model._meta.db_table),
                        quote(model._meta.pk.column),
                        ", ".join(["%s"] * len(chunk)),
                    ),
                    chunk,
                )


class _Writer:
    def __init__(self, campaign, state, user, group):
        self.campaign, self.state, self.user, self.group = campaign, state, user, group
        self.now = timezone.now()
        self.bulk = _Bulk(user, self.now)
        self.touched_targets = {}
        self.status = domain.target_status(active_commitment=True)

    def write(self, rows, progress):
        total = len(rows)
        if progress:
            progress(0, total)
        for index, chunk in enumerate(_chunks(rows, WRITE_CHUNK)):
            self.write_chunk(chunk)
            if progress:
                progress(min((index + 1) * WRITE_CHUNK, total), total)
        # Every touched target now has an active commitment: its status follows (as
        # campaigns.services.target_refresh says, by the same rule).
        stale = [pk for pk, target in self.touched_targets.items() if target.status != self.status]
        for chunk in _chunks(stale, 500):
            targets = list(Target.objects.filter(pk__in=chunk))
            for target in targets:
                target.status = self.status
            bulk_update_with_history(
                targets, Target, ["status"], default_user=self.user, default_date=self.now
            )

    def write_chunk(self, rows):
        state, campaign = self.state, self.campaign
        user_id = self.user.pk if self.user is not None else None
        group_id = self.group.pk if self.group is not None else None

        # Targets: the commune in the campaign.
        new_communes = list(
            dict.fromkeys(row.commune.pk for row in rows if row.commune.pk not in state.targets)
        )
        ids = self.bulk.create(
            Target,
            ("campaign_id", "commune_id", "group_id", "status", "created_by_id", "created_at"),
            [(campaign.pk, pk, group_id, self.status, user_id, self.now) for pk in new_communes],
        )
        for commune_pk, pk in zip(new_communes, ids, strict=True):
            state.targets[commune_pk] = _TargetRef(pk, self.status)
        for row in rows:
            target = state.targets[row.commune.pk]
            self.touched_targets[target.pk] = target

        # Lists (kinds with lists): new ones, and changes to existing ones.
        row_lists = [None] * len(rows)
        if campaign.kind_spec.has_lists:
            new_lists, changed_lists = {}, {}
            for position, row in enumerate(rows):
                target = state.targets[row.commune.pk]
                key = (target.pk, row.list_key)
                candidate_list = new_lists.get(key) or state.lists[target.pk].get(key[1])
                if candidate_list is None:
                    candidate_list = _ListRef(
                        None,
                        target.pk,
                        row.list_name,
                        row.head_name,
                        row.email,
                        row.label,
                        row.elected,
                        self.now,
                    )
                    new_lists[key] = candidate_list
                else:
                    changes = _list_changes(row, candidate_list)
                    for name, value in changes.items():
                        setattr(candidate_list, name, value)
                    if changes and candidate_list.pk is not None:
                        changed_lists[candidate_list.pk] = candidate_list
                row_lists[position] = candidate_list
            created = list(new_lists.values())
            fields = LIST_FIELDS[1:]
            ids = self.bulk.create(
                CandidateList, fields, [tuple(getattr(item, name) for name in fields) for item in created]
            )
            for candidate_list, pk in zip(created, ids, strict=True):
                candidate_list.pk = pk
                state.lists[candidate_list.target_id][_fold(candidate_list.name)] = candidate_list
            if changed_lists:
                bulk_update_with_history(
                    [candidate_list.instance() for candidate_list in changed_lists.values()],
                    CandidateList,
                    ["head_name", "email", "political_label", "is_elected"],
                    default_user=self.user,
                    default_date=self.now,
                )

        # Commitments and their items.
        new_commitments, new_items, removed_items = [], [], []
        for row, candidate_list in zip(rows, row_lists, strict=True):
            target = state.targets[row.commune.pk]
            key = (target.pk, candidate_list.pk if candidate_list else None, row.framework_id)
            commitment_pk = state.commitments.get(key)
            if commitment_pk is None:
                new_commitments.append((key, row))
                continue
            existing = state.commitment_items[commitment_pk]
            wanted = set(row.item_ids)
            if set(existing) != wanted:
                removed_items.extend(item for item_id, item in existing.items() if item_id not in wanted)
                for item_id in list(existing):
                    if item_id not in wanted:
                        del existing[item_id]
                new_items.extend(
                    (commitment_pk, item_id) for item_id in row.item_ids if item_id not in existing
                )
        ids = self.bulk.create(
            Commitment,
            (
                "target_id",
                "candidate_list_id",
                "framework_id",
                "channel",
                "signatory_name",
                "signatory_role",
                "signed_on",
                "created_by_id",
                "created_at",
            ),
            [
                (
                    key[0],
                    key[1],
                    row.framework_id,
                    Commitment.Channel.IMPORT,
                    row.signatory,
                    row.role,
                    row.signed_on,
                    user_id,
                    self.now,
                )
                for key, row in new_commitments
            ],
        )
        for (key, row), pk in zip(new_commitments, ids, strict=True):
            state.commitments[key] = pk
            if key[1] is not None:
                state.list_commitments[key[1]].append(pk)
            new_items.extend((pk, item_id) for item_id in row.item_ids)
        self.bulk.delete(CommitmentItem, ITEM_COLUMNS, removed_items)
        ids = self.bulk.create(CommitmentItem, ("commitment_id", "item_id"), new_items)
        for (commitment_pk, item_id), pk in zip(new_items, ids, strict=True):
            state.commitment_items[commitment_pk][item_id] = (pk, commitment_pk, item_id, None, "")

        # The commune's commitments for the mandate that these bulletins call for: all the
        # elected list's (from the file or not), the municipality's where its signature is
        # the mandate's; by the rules campaigns.services applies (commitments.domain).
        # Bulletin(commitment, commune, list, list elected, by deliberation), positional:
        # one per row, made as cheaply as can be.
        bulletins, expanded = [], set()
        deliberation, channels = Commitment.Channel.DELIBERATION, state.channels
        for row, candidate_list in zip(rows, row_lists, strict=True):
            commune_pk = row.commune.pk
            if candidate_list is None:
                key = (state.targets[commune_pk].pk, None, row.framework_id)
                pk = state.commitments[key]
                bulletins.append(
                    domain.Bulletin(pk, commune_pk, None, False, channels.get(pk) == deliberation)
                )
            elif not candidate_list.is_elected:
                key = (state.targets[commune_pk].pk, candidate_list.pk, row.framework_id)
                pk = state.commitments[key]
                bulletins.append(
                    domain.Bulletin(
                        pk, commune_pk, candidate_list.pk, False, channels.get(pk) == deliberation
                    )
                )
            elif candidate_list.pk not in expanded:
                expanded.add(candidate_list.pk)
                for pk in state.list_commitments.get(candidate_list.pk, ()):
                    bulletins.append(
                        domain.Bulletin(
                            pk, commune_pk, candidate_list.pk, True, channels.get(pk) == deliberation
                        )
                    )
        plan = domain.mandate_plan(
            bulletins,
            mandated=state.mandates,
            campaign_id=campaign.pk,
            years=(campaign.mandate_start, campaign.mandate_end),
            signature_is_mandate=campaign.kind_spec.signature_is_mandate,
        )
        if plan.delete:  # only where the database already disagreed with the rules
            MandateCommitment.objects.filter(commitment_id__in=plan.delete).delete()
            state.mandates.difference_update(plan.delete)
        self.bulk.create(
            MandateCommitment,
            ("commune_id", "campaign_id", "commitment_id", "start_year", "end_year", "created_at"),
            [
                (row.commune_id, row.campaign_id, row.commitment_id, row.start_year, row.end_year, self.now)
                for row in plan.create
            ],
        )
        state.mandates.update(row.commitment_id for row in plan.create)


# The template ------------------------------------------------------------------------


def _example(campaign=None):
    framework = campaign.frameworks.order_by("slug").first() if campaign is not None else None
    slug = framework.slug if framework else "pacte-pour-la-transition"
    codes = (
        list(framework.items.order_by("position").values_list("code", flat=True)[:3])
        if framework
        else ["A", "B", "01"]
    )
    has_lists = campaign is None or campaign.kind_spec.has_lists
    return {
        "code_insee": "93066",
        "commune": "Saint-Denis",
        "departement": "93",
        "liste": "Saint-Denis en commun" if has_lists else "",
        "tete_de_liste": "Camille Martin" if has_lists else "",
        "email": "contact@example.org" if has_lists else "",
        "etiquette": "divers gauche" if has_lists else "",
        "referentiel": slug,
        "engagements": ";".join(codes),
        "signataire": "Camille Martin",
        "qualite": "tête de liste" if has_lists else "maire",
        "date_signature": date(2026, 2, 15),
        "elue": "non" if has_lists else "",
    }


def import_template(fmt, campaign=None):
    """(bytes, content type, file name) of a template: the header and one example row.
    With a campaign, the example uses its framework and its kind."""
    example = _example(campaign)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerow(
            [
                value.strftime("%d/%m/%Y") if isinstance(value, date) else value
                for value in (example[column] for column in COLUMNS)
            ]
        )
        # With a BOM, so that Excel opens it as UTF-8.
        return buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", "modele-engagements.csv"
    if fmt == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "engagements"
        sheet.append(COLUMNS)
        sheet.append([example[column] for column in COLUMNS])
        for index, column in enumerate(COLUMNS, start=1):
            header = sheet.cell(row=1, column=index)
            header.font = Font(bold=True)
            letter = header.column_letter
            sheet.column_dimensions[letter].width = max(14, len(column) + 4)
            # Codes stay text (a number would lose the leading zero of 01001).
            sheet.cell(row=2, column=index).number_format = (
                "DD/MM/YYYY" if column == "date_signature" else "@"
            )
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), XLSX_CONTENT_TYPE, "modele-engagements.xlsx"
    raise ValueError(f"Unknown template format: {fmt!r}")
