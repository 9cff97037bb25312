"""The follow-up's tables: the voices' updates on committed items, their states and
evidence (updates.py), and the yearly barometer with its ratings (barometer.py)."""

from .barometer import COMMENT_MAX, Barometer, BarometerReminder, Rating, Score
from .updates import (
    EVIDENCE_FOLDER,
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    PROGRESS_MAX,
    TEXT_MAX,
    Evidence,
    ItemState,
    Status,
    Update,
    UpdateQuerySet,
    Voice,
    evidence_upload_to,
    other_voice,
)

__all__ = [
    "COMMENT_MAX",
    "EVIDENCE_FOLDER",
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_TYPES",
    "PROGRESS_MAX",
    "TEXT_MAX",
    "Barometer",
    "BarometerReminder",
    "Evidence",
    "ItemState",
    "Rating",
    "Score",
    "Status",
    "Update",
    "UpdateQuerySet",
    "Voice",
    "evidence_upload_to",
    "other_voice",
]
