"""The handler of uncaught exceptions (config/urls.py's handler500).

A database that cannot be reached (restarting, failed over, out of connections) is not a
bug of the site: the visitor gets a short French page with 503 and Retry-After, which a
monitor and a load balancer can tell from a 500, and which is rendered without touching
the database (no context processor, no session). Anything else gets the 500 page.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def database_unreachable(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def server_error(request: HttpRequest) -> HttpResponse:
    if database_unreachable(sys.exc_info()[1]):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)
