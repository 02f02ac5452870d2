"""Lambda event builders. chalice.test's generate_sqs_event gives every record the same messageId,
which hides partial-batch bugs, so we build our own."""
from __future__ import annotations

import hashlib
import uuid
from typing import Any


def sqs_event(bodies: list[str], queue: str = "queue", groups: list[str] | None = None) -> dict[str, Any]:
    records = []
    for n, body in enumerate(bodies):
        attributes = {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000"}
        if groups:
            attributes["MessageGroupId"] = groups[n]
        records.append({
            "messageId": str(uuid.uuid4()), "receiptHandle": f"handle-{n}", "body": body,
            "attributes": attributes, "messageAttributes": {},
            "md5OfBody": hashlib.md5(body.encode()).hexdigest(), "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{queue}", "awsRegion": "us-east-1",
        })
    return {"Records": records}
