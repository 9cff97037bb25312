"""What an import of signed bulletins says: core.imports' report (the refusal of a whole
file, each row's outcome and action: create, update, unchanged or error), each row also
showing its list, what it records (a bulletin with its items, levels and comments, a
refusal) and, for an update, what changes."""

from dataclasses import dataclass, field

from core import imports


@dataclass
class RowOutcome(imports.RowOutcome):
    """core.imports.RowOutcome, with the name of the row's list (kinds with lists), what
    the row records (`details`, for people) and what an update changes (`changes`)."""

    list_name: str = ""
    details: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
