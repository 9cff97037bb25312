"""Refuse a request body larger than REQUEST_MAX_BYTES before anything reads it.

Django reads the body only when a view (or the CSRF check) asks for request.POST or
request.FILES, which happens after every middleware's __call__ has run: answering here
means a 50 MB upload is neither received nor written to disk. The bound is the largest
file the site accepts (a 10 MB spreadsheet import) plus room for the form's other fields;
each field's own validator then applies its smaller limit (a 1 MB logo). The reverse proxy
in front should refuse the same size (docs/operations.md).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            request._mark_post_parse_error()  # nothing may read the body from here on
            response = TemplateResponse(
                request,
                "413.html",
                {"max_megabytes": settings.REQUEST_MAX_BYTES // (1024 * 1024)},
                status=413,
            )
            response["Connection"] = "close"
            return response.render()
        return self.get_response(request)
