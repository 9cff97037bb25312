"""The whole public API against its own OpenAPI schema, with schemathesis: every answer
(statuses, headers, bodies) must be one the schema declares, for generated valid and
invalid requests, with all of schemathesis's checks. A fixed seed and a fixed number of
examples per operation keep it fast and repeatable."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.config import SchemathesisConfig

from config.wsgi import application

CONFIG = SchemathesisConfig.from_str(
    """
seed = 20261201
[checks]
enabled = true
[generation]
max-examples = 30
[phases.coverage]
enabled = true
[phases.stateful]
enabled = false
"""
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, scope="module")
def keep_the_test_connection():
    """The WSGI application is called directly (not through Django's test client, which
    does the same): at the end of each request Django would close the database
    connection, the test's transaction with it (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
def test_every_operation_answers_as_its_schema_says(case):
    # Uncompressed answers: the check reads the body as the API client would after decoding.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
