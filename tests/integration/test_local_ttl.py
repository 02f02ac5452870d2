"""DynamoDB's Time to Live in the local runtime (local/runtime/ttl.py): moto records the setting and never
deletes anything; AWS deletes an item after its TTL time has passed."""
from __future__ import annotations

import boto3

from local.runtime import ttl

NOW = 1_800_000_000


def test_GIVEN_items_past_their_ttl_WHEN_swept_THEN_only_they_go_and_tables_without_ttl_keep_all() -> None:
    from moto import mock_aws
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        for name, ranged in (("nonces", False), ("logs", True), ("orders", False)):
            keys = [{"AttributeName": "k", "KeyType": "HASH"}] + (
                [{"AttributeName": "s", "KeyType": "RANGE"}] if ranged else [])
            ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=keys,
                             AttributeDefinitions=[{"AttributeName": k["AttributeName"], "AttributeType": "S"}
                                                   for k in keys])
        for name in ("nonces", "logs"):
            ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True,
                                                                             "AttributeName": "expires_at"})
        for n, at in enumerate((NOW - 5, NOW + 5)):
            ddb.put_item(TableName="nonces", Item={"k": {"S": f"n{n}"}, "expires_at": {"N": str(at)}})
            ddb.put_item(TableName="logs", Item={"k": {"S": "shop"}, "s": {"S": f"log{n}"}, "expires_at": {"N": str(at)}})
            ddb.put_item(TableName="orders", Item={"k": {"S": f"o{n}"}, "expires_at": {"N": str(at)}})
        ddb.put_item(TableName="nonces", Item={"k": {"S": "forever"}})          # no TTL attribute: kept

        assert ttl.sweep(ttl.moto_tables("123456789012", "us-east-1"), ddb, now=NOW) == 2

        def keys(name: str) -> list[str]:
            return sorted("/".join(v["S"] for _, v in sorted(i.items()) if "S" in v)
                          for i in ddb.scan(TableName=name)["Items"])
        assert keys("nonces") == ["forever", "n1"]
        assert keys("logs") == ["shop/log1"]
        assert keys("orders") == ["o0", "o1"]                                   # no TTL on the table
