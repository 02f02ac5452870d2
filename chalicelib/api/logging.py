"""Structured JSON logs: our modules log through stdlib loggers under "oms"; one handler forwards each
record to a Powertools Logger with the request's keys (request id, path, function). Keys carry ids,
never buyer PII.

The Powertools Logger is built on the first record, not at import or on the first event: its import
(~30 ms) is cold-start time that a request which logs nothing should not pay. Chalice middleware sets
the keys; Powertools' own decorators expect (event, context) and break on chalice handlers."""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache
from typing import Any

_keys: ContextVar[dict[str, str]] = ContextVar("oms_log_keys", default={})  # noqa: B039 - never mutated
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class _Stdout:
    """Whatever sys.stdout is when a line is written (the Lambda runtime's, or a test's capture)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


@cache
def powertools_logger() -> Any:
    from aws_lambda_powertools import Logger
    # a name other than the chalice app's: chalice attaches its own handler to that one (duplicate lines)
    return Logger(service="qihang-oms", level=os.environ.get("LOG_LEVEL", "INFO"),
                  logger_handler=logging.StreamHandler(_Stdout()))


class PowertoolsHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        powertools_logger().log(record.levelno, record.getMessage(), exc_info=record.exc_info,
                                extra={**_keys.get(), "logger": record.name, **extra})


def install() -> None:
    root = logging.getLogger("oms")
    if not any(isinstance(h, PowertoolsHandler) for h in root.handlers):
        root.addHandler(PowertoolsHandler())
        root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))
        root.propagate = False


def log_middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    context = getattr(event, "context", None) or getattr(event, "lambda_context", None)
    token = _keys.set({"request_id": str(getattr(context, "aws_request_id", "") or ""),
                       "function": str(getattr(context, "function_name", "") or ""),
                       "path": str(getattr(event, "path", "") or "")})
    try:
        return get_response(event)
    finally:
        _keys.reset(token)
