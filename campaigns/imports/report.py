"""What an import of signed bulletins says: core.imports' report (the refusal of a whole
file, each row's outcome and action: create, update, unchanged or error), each row also
showing its list."""

from dataclasses import dataclass

from core import imports


@dataclass
class RowOutcome(imports.RowOutcome):
    """core.imports.RowOutcome, with the name of the row's list (kinds with lists)."""

    list_name: str = ""
