"""The local runtime's faster TransactWriteItems (local/runtime/moto_speedups.py) keeps DynamoDB's
all-or-nothing answer: a transaction whose conditions hold applies whole; one with a failing condition
applies nothing and names the failed entry."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from local.runtime import moto_speedups


def test_given_transactions_then_all_or_nothing_as_dynamodb() -> None:
    from moto import mock_aws
    moto_speedups.apply()
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])

        def put(key: str) -> dict[str, object]:
            return {"Put": {"TableName": "t", "Item": {"k": {"S": key}}, "ConditionExpression": "attribute_not_exists(k)"}}

        ddb.transact_write_items(TransactItems=[put("a"), put("b")])
        with pytest.raises(ClientError) as refused:
            ddb.transact_write_items(TransactItems=[put("c"), put("a")])
        reasons = refused.value.response["CancellationReasons"]
        assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed"]
        keys = sorted(i["k"]["S"] for i in ddb.scan(TableName="t")["Items"])
        assert keys == ["a", "b"], "the refused transaction left nothing behind"
