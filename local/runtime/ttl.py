"""DynamoDB's Time to Live, which moto records but never carries out: AWS deletes an item some time after
the epoch second in its TTL attribute has passed (usually within minutes, at most a few days), and moto
keeps it forever. Over hours the local runtime kept every ERP request nonce (11 minutes of life, one per
signed call), rate window and expired claim. Here a sweep every `interval` seconds finds the expired items
of each table whose TTL is enabled and deletes them through the API, each under the condition that it
is still expired (a write in between that moved its time keeps it, as on AWS); the deletes go through
the gate and the journal like any other write. Reads never hide an expired item that is not yet swept:
neither does DynamoDB."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
from botocore.exceptions import ClientError

log = logging.getLogger("local.ttl")

SWEEP_SECONDS = 60.0


def expired_keys(table: Any, now: float) -> Iterator[dict[str, Any]]:
    """Key attributes of the items of a moto table whose TTL time has passed (a copy of each dict level
    is taken first: request threads change the table meanwhile)."""
    if table.ttl.get("TimeToLiveStatus") != "ENABLED":
        return
    attribute = table.ttl.get("AttributeName")
    for value in list(table.items.values()):
        for item in list(value.values()) if table.range_key_attr else [value]:
            ttl = item.attrs.get(attribute)
            if ttl is None or ttl.type != "N" or float(ttl.value) >= now:
                continue
            keys = {table.hash_key_attr: item.hash_key.to_json()}
            if table.range_key_attr:
                keys[table.range_key_attr] = item.range_key.to_json()
            yield keys


def sweep(tables: Callable[[], list[Any]], ddb: Any, now: float | None = None) -> int:
    """Deletes what has expired; returns how many items went."""
    now = time.time() if now is None else now
    deleted = 0
    for table in tables():
        attribute = table.ttl.get("AttributeName", "")
        for keys in list(expired_keys(table, now)):
            try:
                ddb.delete_item(TableName=table.name, Key=keys, ConditionExpression="#t < :now",
                                ExpressionAttributeNames={"#t": attribute},
                                ExpressionAttributeValues={":now": {"N": str(int(now))}})
                deleted += 1
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
    return deleted


def moto_tables(account_id: str, region: str) -> Callable[[], list[Any]]:
    def tables() -> list[Any]:
        from moto.dynamodb.models import dynamodb_backends
        return list(dynamodb_backends[account_id][region].tables.values())
    return tables


class TtlSweeper:
    def __init__(self, endpoint_url: str, region: str, account_id: str, interval: float = SWEEP_SECONDS) -> None:
        self._ddb = boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=region,
                                 aws_access_key_id="testing", aws_secret_access_key="testing")
        self._tables = moto_tables(account_id, region)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="local-ttl", daemon=True)
        self.deleted = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.deleted += sweep(self._tables, self._ddb)
            except Exception:     # the emulator is going away, or busy: the next sweep tries again
                log.exception("TTL sweep failed")
