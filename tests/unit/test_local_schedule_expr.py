"""EventBridge schedule expressions as the local scheduler reads them."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from local.runtime.cfn import Pseudo, Resolver
from local.runtime.schedule_expr import parse

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 25, 17, 43, 10, tzinfo=UTC)     # a Wednesday


@pytest.mark.parametrize(("expression", "expected"), [
    ("rate(5 minutes)", datetime(2026, 11, 25, 17, 48, 10, tzinfo=UTC)),
    ("rate(1 hour)", datetime(2026, 11, 25, 18, 43, 10, tzinfo=UTC)),
    ("rate(2 days)", datetime(2026, 11, 27, 17, 43, 10, tzinfo=UTC)),
    ("cron(0/15 * * * ? *)", datetime(2026, 11, 25, 17, 45, tzinfo=UTC)),
    ("cron(0 2 * * ? *)", datetime(2026, 11, 26, 2, 0, tzinfo=UTC)),
    ("cron(30 9 ? * MON-FRI *)", datetime(2026, 11, 26, 9, 30, tzinfo=UTC)),
    ("cron(0 12 ? * 1 *)", datetime(2026, 11, 29, 12, 0, tzinfo=UTC)),          # 1 = Sunday
    ("cron(0 0 L * ? *)", datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),
    ("cron(5 1 1 JAN ? 2027)", datetime(2027, 1, 1, 1, 5, tzinfo=UTC)),
    ("cron(0 8,20 1-3 * ? *)", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),
])
def test_GIVEN_an_expression_WHEN_asked_for_the_next_fire_THEN_it_matches_eventbridge(
        expression: str, expected: datetime) -> None:
    assert parse(expression).next_after(NOW, NOW) == expected


@pytest.mark.parametrize("expression", ["rate(0 minutes)", "rate(1 week)", "cron(0 0 * * *)",
                                        "cron(0 0 1 * MON *)", "cron(61 * * * ? *)", "every 5 minutes"])
def test_GIVEN_an_invalid_expression_WHEN_parsed_THEN_it_is_refused(expression: str) -> None:
    with pytest.raises(ValueError):
        parse(expression)


def test_GIVEN_intrinsics_WHEN_resolved_THEN_sub_getatt_ref_and_pseudo_parameters_are_filled() -> None:
    attrs = {("Dlq", "Arn"): "arn:aws:sqs:us-east-1:123456789012:dlq", ("Key", "Ref"): "key-1"}
    resolver = Resolver(Pseudo(), lambda logical, attr: attrs[(logical, attr)])
    value = {"a": {"Fn::Sub": "bucket-${AWS::AccountId}-${AWS::Region}"}, "b": {"Fn::GetAtt": ["Dlq", "Arn"]},
             "c": {"Ref": "Key"}, "d": {"Fn::Sub": "arn:${AWS::Partition}:x:${Dlq.Arn}"},
             "e": {"Ref": "AWS::NoValue"}, "f": [{"Fn::Join": ["-", ["x", {"Ref": "AWS::Region"}]]}]}
    assert resolver.resolve(value) == {"a": "bucket-123456789012-us-east-1",
                                       "b": "arn:aws:sqs:us-east-1:123456789012:dlq", "c": "key-1",
                                       "d": "arn:aws:x:arn:aws:sqs:us-east-1:123456789012:dlq",
                                       "f": ["x-us-east-1"]}
