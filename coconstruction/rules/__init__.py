"""The rules of co-construction, one module per capability (each says who may do what);
importing this package (django-rules' autodiscovery) registers them all."""

from . import calendars, committees, discussions, meetings, workgroups  # noqa: F401
