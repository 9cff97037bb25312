"""The whole public API against its own OpenAPI schema, with schemathesis: every answer
(statuses, headers, bodies) must be one the schema declares, for generated valid and
invalid requests, with all of schemathesis's checks. A fixed seed and a fixed number of
examples per operation keep it fast and repeatable."""

import pytest
import schemathesis
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


@schema.parametrize()
def test_every_operation_answers_as_its_schema_says(case):
    # Uncompressed answers: the check reads the body as the API client would after decoding.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
