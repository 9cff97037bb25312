"""Shared by the page cache's tests (core/pagecache.py): the cache switched on, and an
anonymous GET that says whether the view ran."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import pagecache


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    pagecache.forget_local()
    yield
    pagecache.forget_local()


def anonymous_get(url, client=None, *, commit=True, **headers):
    """(response, number of SQL queries): a page served from the cache makes none. The
    writes made before it count as committed (a test's transaction never commits): their
    bumps are sent first, unless commit=False."""
    if commit:
        pagecache.flush()
    client = client or Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def bump_now(django_capture_on_commit_callbacks, write):
    """Run a write as a request would (its transaction commits: the bumps are sent)."""
    with django_capture_on_commit_callbacks(execute=True):
        return write()
