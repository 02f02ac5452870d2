"""Structured JSON logs through chalice middleware (Powertools' decorators expect (event, context) and
break on chalice handlers). Keys carry ids, never buyer PII. The Logger is built on the first event:
its import is cold-start time that only invoked functions should pay."""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any


@cache
def logger() -> Any:
    from aws_lambda_powertools import Logger
    # a name other than the chalice app's: chalice attaches its own handler to that one (duplicate lines)
    return Logger(service="qihang-oms", logger_handler=None)


def log_middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    log = logger()
    context = getattr(event, "context", None) or getattr(getattr(event, "lambda_context", None), "x", None)
    request_id = getattr(context, "aws_request_id", "") if context else ""
    path = getattr(event, "path", "") or getattr(event, "resource_path", "")
    log.append_keys(request_id=request_id, path=path)
    try:
        return get_response(event)
    finally:
        log.remove_keys(["request_id", "path"])
