"""Schemas of the API's error answers, declared by every operation (config/api.py answers them).

Lowest layer, so that any app's router can name them in its `response={...}`."""

from ninja import Schema

NOT_FOUND = 404
INVALID = 422


class NotFoundOut(Schema):
    detail: str


class ValidationIssueOut(Schema):
    loc: list[str | int]
    type: str
    msg: str


class ValidationErrorOut(Schema):
    detail: list[ValidationIssueOut]
