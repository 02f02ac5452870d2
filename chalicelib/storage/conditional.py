"""Conditional puts with one error for a lost race, whatever the model."""
from __future__ import annotations

from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from chalicelib.domain.errors import ConflictError


def put(item: Model, condition: Condition, what: str) -> None:
    try:
        item.save(condition=condition)
    except PutError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            raise ConflictError(f"{what} changed meanwhile") from exc
        raise
