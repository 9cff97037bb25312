"""Logging filters.

Django logs every refused request ("Forbidden (Permission denied)", bad requests) on the
"django.request" logger as a warning with the exception's traceback, so any signed-in user
could flood the logs with tracebacks by requesting pages they may not see. Client errors are
not faults of the site: they are logged at info level, on one line, without a traceback;
server errors (5xx) keep their level and traceback.
"""

import logging


class ClientErrorsAtInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or status >= 500:
            return True
        record.exc_info = None
        record.exc_text = None
        record.levelno = logging.INFO
        record.levelname = logging.getLevelName(logging.INFO)
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)
