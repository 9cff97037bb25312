"""Project-wide test set-up: plain static storage (no collectstatic needed)."""

import os

os.environ.setdefault("STATIC_MANIFEST", "0")
