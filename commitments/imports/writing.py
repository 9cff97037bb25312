"""The rows of a checked file written in bulk, a chunk at a time: the declarations, then
their items, each with its django-simple-history records (bulk_create_with_history: a few
INSERTs per chunk, whatever the number of rows in it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core import pagecache
from core.imports import CREATE

from .. import declaring
from ..models import Declaration, DeclarationItem

if TYPE_CHECKING:
    from accounts.models import User
    from actors.models import Organization

    from .rows import Row

CHUNK = 500  # declarations per round of inserts


def _declaration(row: Row, *, author: dict, years: tuple[int, int]) -> Declaration:
    return Declaration(
        commune_id=row.commune.pk,
        framework_id=row.framework_id,
        start_year=years[0],
        end_year=years[1],
        committed_on=row.committed_on,
        committed_by=row.committed_by,
        list_name=row.list_name,
        list_key=declaring.list_key(row.committed_by, row.list_name),
        head_name=row.head_name,
        proof_url=row.proof_url,
        deliberation_reference=row.reference,
        **author,
    )


def write(
    rows: list[Row],
    *,
    user: User | None,
    capacity: str,
    organization: Organization | None,
    years: tuple[int, int],
    progress: Callable[[int, int], object] | None = None,
) -> int:
    """Create the declarations of the rows to create; their number."""
    now = timezone.now()
    author = {"declared_by": user, "declared_as": capacity, "declared_for": organization, "declared_at": now}
    todo = [row for row in rows if row.outcome.action == CREATE]
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        declarations = bulk_create_with_history(
            [_declaration(row, author=author, years=years) for row in chunk],
            Declaration,
            batch_size=CHUNK,
            default_user=user,
            default_date=now,
        )
        bulk_create_with_history(
            [
                DeclarationItem(declaration_id=declaration.pk, item_id=item_id)
                for declaration, row in zip(declarations, chunk, strict=True)
                for item_id in row.item_ids
            ],
            DeclarationItem,
            default_user=user,
            default_date=now,
        )
        if progress is not None:
            progress(start + len(chunk), len(todo))
    # Bulk writes send no signals: the cached pages showing these communes (core/pagecache.py).
    pagecache.bump(pagecache.NATIONAL)
    return len(todo)
