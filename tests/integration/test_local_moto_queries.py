"""The local emulator's Query speed-up (local/runtime/moto_queries.py) answers exactly as moto does: one seeded
run of puts, updates, deletes and paged Queries (base tables and indexes, sparse and numeric keys, both
directions, key conditions, filters, projections) in a process with the speed-up and in one without it."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHOPS = ["s1", "s2", "s3"]
STATUSES = ["new", "paid", "shipped"]


def _tables(client: Any) -> None:
    client.create_table(
        TableName="ranged", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "shop", "at", "status")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {"IndexName": "by_shop", "KeySchema": [{"AttributeName": "shop", "KeyType": "HASH"},
                                                   {"AttributeName": "at", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "ALL"}},
            {"IndexName": "by_status", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    client.create_table(
        TableName="plain", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"},
                              {"AttributeName": "n", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                                   {"AttributeName": "n", "KeyType": "RANGE"}],
                                 "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]}}])


def _ranged_item(rng: random.Random) -> dict[str, Any]:
    item = {"pk": {"S": f"p{rng.randrange(60)}"}, "sk": {"S": f"k{rng.randrange(40):02d}"},
            "shop": {"S": rng.choice(SHOPS)}, "status": {"S": rng.choice(STATUSES)}, "v": {"N": str(rng.randrange(9))}}
    if rng.random() < 0.8:                       # the rest are left out of by_shop (sparse)
        item["at"] = {"S": f"2026-12-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}"}
    return item


def _plain_item(rng: random.Random) -> dict[str, Any]:
    return {"pk": {"S": f"q{rng.randrange(900)}"}, "g": {"S": rng.choice("ab")}, "n": {"N": str(rng.randrange(-50, 50))},
            "v": {"S": rng.choice("xyz")}, "w": {"N": "1"}}


def _query(rng: random.Random) -> dict[str, Any]:
    kind = rng.randrange(5)
    if kind == 0:
        params: dict[str, Any] = {"TableName": "ranged", "KeyConditionExpression": "pk = :h",
                                  "ExpressionAttributeValues": {":h": {"S": f"p{rng.randrange(60)}"}}}
    elif kind == 1:
        params = {"TableName": "ranged", "IndexName": "by_shop", "KeyConditionExpression": "shop = :h",
                  "ExpressionAttributeValues": {":h": {"S": rng.choice(SHOPS)}}}
        if rng.random() < 0.4:
            params["KeyConditionExpression"] += " AND begins_with(#a, :d)"
            params["ExpressionAttributeNames"] = {"#a": "at"}
            params["ExpressionAttributeValues"][":d"] = {"S": f"2026-12-{rng.randrange(1, 3)}"}
    elif kind == 2:
        params = {"TableName": "ranged", "IndexName": "by_status", "KeyConditionExpression": "#s = :h",
                  "ExpressionAttributeNames": {"#s": "status"},
                  "ExpressionAttributeValues": {":h": {"S": rng.choice(STATUSES)}}}
    else:
        params = {"TableName": "plain", "IndexName": "by_g", "KeyConditionExpression": "g = :h",
                  "ExpressionAttributeValues": {":h": {"S": rng.choice("ab")}}}
        if kind == 4:
            comparison = rng.choice(["n BETWEEN :lo AND :hi", "n < :lo", "n >= :hi", "n = :lo", "n <= :hi", "n > :lo"])
            params["KeyConditionExpression"] += f" AND {comparison}"
            params["ExpressionAttributeValues"].update(
                {k: v for k, v in {":lo": {"N": str(rng.randrange(-60, 20))}, ":hi": {"N": str(rng.randrange(-10, 60))}}.items()
                 if k in comparison})
    if rng.random() < 0.3 and params["TableName"] == "ranged" and params.get("IndexName") != "by_status":
        params["FilterExpression"] = "v > :v"
        params["ExpressionAttributeValues"][":v"] = {"N": "3"}
    if rng.random() < 0.85:            # without a Limit moto walks every candidate: nothing is narrowed
        params["Limit"] = rng.randrange(1, 70)
    params["ScanIndexForward"] = rng.random() < 0.5
    return params


def scenario(steps: int = 260) -> list[Any]:
    import boto3
    from moto import mock_aws
    rng = random.Random(21)
    answers: list[Any] = []
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        _tables(client)
        for _ in range(1200):
            client.put_item(TableName="ranged", Item=_ranged_item(rng))
            client.put_item(TableName="plain", Item=_plain_item(rng))
        for _ in range(steps):
            op = rng.random()
            if op < 0.2:
                client.put_item(TableName="ranged", Item=_ranged_item(rng))
            elif op < 0.3:
                client.update_item(TableName="ranged", Key={"pk": {"S": f"p{rng.randrange(60)}"},
                                                            "sk": {"S": f"k{rng.randrange(40):02d}"}},
                                   UpdateExpression="SET shop = :s, #st = :t", ExpressionAttributeNames={"#st": "status"},
                                   ExpressionAttributeValues={":s": {"S": rng.choice(SHOPS)},
                                                              ":t": {"S": rng.choice(STATUSES)}})
            elif op < 0.35:
                client.delete_item(TableName="plain", Key={"pk": {"S": f"q{rng.randrange(900)}"}})
            else:
                params = _query(rng)
                if "Limit" in params and " AND " in params["KeyConditionExpression"] and rng.random() < 0.5:
                    # a page that ends exactly on the last match: whether an item lies past the run decides
                    # LastEvaluatedKey
                    unlimited = {k: v for k, v in params.items() if k not in ("Limit", "FilterExpression")}
                    values = {k: v for k, v in params["ExpressionAttributeValues"].items() if k != ":v"}
                    params["Limit"] = max(1, client.query(**{**unlimited, "ExpressionAttributeValues": values})["Count"])
                for _page in range(rng.randrange(1, 5)):      # following pages: the kept sort serves them
                    answer = client.query(**params)
                    answers.append({k: answer.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
                    if "LastEvaluatedKey" not in answer:
                        break
                    params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
    return answers


def _run(speed_up: bool) -> list[Any]:
    code = ("import json, sys\n"
            + ("from local.runtime import moto_queries; moto_queries.apply()\n" if speed_up else "")
            + "from tests.integration.test_local_moto_queries import scenario\n"
            + "json.dump(scenario(), sys.stdout)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("AWS_ENDPOINT_URL", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True, timeout=600)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_GIVEN_one_seeded_run_WHEN_answered_with_and_without_the_speed_up_THEN_every_answer_is_the_same() -> None:
    plain, fast = _run(False), _run(True)
    assert len(plain) > 200 and any(a["LastEvaluatedKey"] for a in plain)
    assert sum(a["Count"] for a in plain) > 1000
    for n, (want, got) in enumerate(zip(plain, fast, strict=True)):
        assert got == want, f"answer {n} differs"
