"""The one error of the import."""


class TerritoriesImportError(Exception):
    """Bad or missing source data: nothing was written. The message is for people."""
