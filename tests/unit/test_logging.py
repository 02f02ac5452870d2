"""Log lines are JSON from Powertools with the request's keys."""
from __future__ import annotations

import json
import logging

import pytest

from chalicelib.api import logging as oms_logging


def test_given_a_record_inside_a_request_then_one_json_line_with_request_keys(
        capsys: pytest.CaptureFixture[str]) -> None:
    oms_logging.install()

    class Event:
        path = "/admin/orders"

        class context:
            aws_request_id = "req-123"
            function_name = "api"

    def handler(_event: object) -> str:
        logging.getLogger("oms.test").info("order applied", extra={"order_id": "s1-1"})
        return "done"

    assert oms_logging.log_middleware(Event(), handler) == "done"
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["message"] == "order applied"
    assert (line["request_id"], line["path"], line["order_id"]) == ("req-123", "/admin/orders", "s1-1")
    assert line["level"] == "INFO"
