"""The report aggregates in DynamoDB (services/report_ports.py): one table, (pk, sk) items of three kinds.
- aggregates: pk a partition ("2026-12-07#s": the shops of a day; "due": ship-by hours), sk the member;
  one number attribute per figure, `q` the last batch it took, `nm` a SKU's name.
- a fold per order: pk "fold#<order id>", its contribution and the previous one as compact JSON.
- the writer: pk "writer", the last batch begun, whether it is open, the orders it re-folds, the lease.
A dashboard reads aggregates by key (BatchGetItem) and a day's shops or SKUs by one Query per day."""
from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib import names
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.report_aggregates import AggKey, decoded, encoded
from chalicelib.services.report_ports import Aggregate, Fold, FoldExists, WriterState

WRITER = {"pk": {"S": "writer"}, "sk": {"S": "-"}}
RESERVED = ("pk", "sk", "q", "nm", "expires_at")
EXPIRY = 24 * 3600


class ReportItem(Model):
    """Only for the connection (the table's keys): the items are read and written with the low-level client."""
    class Meta:
        table_name = names.table_name("reports")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


def _client() -> Any:
    return ReportItem._get_connection().connection.client


def _table() -> str:
    return names.table_name("reports")


def _failed(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _encode(contribution: Mapping[AggKey, Mapping[str, int]]) -> str:
    return json.dumps(encoded(contribution), separators=(",", ":"))


def _decode(text: str) -> dict[AggKey, dict[str, int]]:
    return decoded(json.loads(text or "{}"))


def _aggregate(item: Mapping[str, Any]) -> Aggregate:
    values = {k: int(v["N"]) for k, v in item.items() if k not in RESERVED and "N" in v}
    return Aggregate(values, item.get("nm", {}).get("S", ""))


class DynamoReportStore:
    def writer(self) -> WriterState:
        item = _client().get_item(TableName=_table(), Key=WRITER, ConsistentRead=True).get("Item")
        if not item:
            return WriterState()
        until = item.get("until", {}).get("S", "")
        return WriterState(seq=int(item["q"]["N"]), open=item.get("open", {}).get("BOOL", False),
                           folded=tuple(json.loads(item.get("folded", {}).get("S", "[]"))),
                           owner=item.get("owner", {}).get("S", ""),
                           until=datetime.fromisoformat(until) if until else None)

    def begin(self, state: WriterState, expected_seq: int) -> None:
        item = {**WRITER, "q": {"N": str(state.seq)}, "open": {"BOOL": state.open},
                "folded": {"S": json.dumps(list(state.folded), separators=(",", ":"))},
                "owner": {"S": state.owner}, "until": {"S": state.until.isoformat() if state.until else ""}}
        try:
            _client().put_item(TableName=_table(), Item=item, ConditionExpression="attribute_not_exists(#q) OR #q = :e",
                               ExpressionAttributeNames={"#q": "q"},
                               ExpressionAttributeValues={":e": {"N": str(expected_seq)}})
        except ClientError as exc:
            if _failed(exc):
                raise ConflictError("another report batch began meanwhile") from exc
            raise

    def finish(self, seq: int) -> None:
        try:
            _client().update_item(TableName=_table(), Key=WRITER, UpdateExpression="SET #o = :f, #d = :none",
                                  ConditionExpression="#q = :q", ExpressionAttributeNames={
                                      "#o": "open", "#d": "folded", "#q": "q"},
                                  ExpressionAttributeValues={":f": {"BOOL": False}, ":none": {"S": "[]"},
                                                             ":q": {"N": str(seq)}})
        except ClientError as exc:
            if _failed(exc):
                raise ConflictError("the report writer moved on meanwhile") from exc
            raise

    def folds(self, order_ids: Collection[str]) -> dict[str, Fold]:
        keys = [{"pk": {"S": f"fold#{oid}"}, "sk": {"S": "-"}} for oid in sorted(set(order_ids))]
        out: dict[str, Fold] = {}
        for item in _batch_get(keys, consistent=True):
            order_id = item["pk"]["S"].removeprefix("fold#")
            out[order_id] = Fold(order_id, int(item["q"]["N"]), _decode(item["c"]["S"]), _decode(item["pv"]["S"]))
        return out

    def put_folds(self, folds: Collection[Fold], first: Collection[str] = ()) -> None:
        for fold in folds:
            item = {"pk": {"S": f"fold#{fold.order_id}"}, "sk": {"S": "-"}, "q": {"N": str(fold.seq)},
                    "c": {"S": _encode(fold.contribution)}, "pv": {"S": _encode(fold.previous)}}
            fresh = fold.order_id in first
            condition = "attribute_not_exists(#q)" + ("" if fresh else " OR #q < :q")
            try:
                _client().put_item(TableName=_table(), Item=item, ConditionExpression=condition,
                                   ExpressionAttributeNames={"#q": "q"},
                                   **({} if fresh else {"ExpressionAttributeValues": {":q": {"N": str(fold.seq)}}}))
            except ClientError as exc:
                if _failed(exc) and fresh:
                    raise FoldExists(f"the fold of {fold.order_id} exists: not its first") from exc
                if _failed(exc):
                    raise ConflictError(f"the fold of {fold.order_id} is newer than batch {fold.seq}") from exc
                raise

    def add(self, seq: int, changes: Mapping[AggKey, Mapping[str, int]], names: Mapping[AggKey, str]) -> None:
        for key, figures in sorted(changes.items()):
            pairs = sorted(figures.items())
            attr_names = {"#q": "q", **{f"#n{i}": name for i, (name, _) in enumerate(pairs)}}
            values = {":q": {"N": str(seq)}, **{f":v{i}": {"N": str(n)} for i, (_, n) in enumerate(pairs)}}
            attr_names["#x"] = "expires_at"
            expression = "SET #q = :q"
            if names.get(key):
                expression += ", #nm = if_not_exists(#nm, :nm)"
                attr_names["#nm"], values[":nm"] = "nm", {"S": names[key]}
            expression += " REMOVE #x"           # a zero aggregate counting again is kept
            if pairs:
                expression += " ADD " + ", ".join(f"#n{i} :v{i}" for i in range(len(pairs)))
            try:
                answer = _client().update_item(
                    TableName=_table(), Key=_key(key), UpdateExpression=expression, ReturnValues="ALL_NEW",
                    ConditionExpression="attribute_not_exists(#q) OR #q < :q",
                    ExpressionAttributeNames=attr_names, ExpressionAttributeValues=values)
            except ClientError as exc:
                if _failed(exc):
                    continue               # took this batch already (a batch cut short, finished again)
                raise
            if not any(_aggregate(answer.get("Attributes", {})).values.values()):
                self._prune(key, seq)

    def _prune(self, key: AggKey, seq: int) -> None:
        """An aggregate that fell to zero everywhere expires a day later (ship-by days would pile up otherwise).
        Not deleted now: a replay of this very batch (cut short before its end) must find it marked as taken."""
        try:
            _client().update_item(TableName=_table(), Key=_key(key), UpdateExpression="SET #x = :x",
                                  ConditionExpression="#q = :q",
                                  ExpressionAttributeNames={"#q": "q", "#x": "expires_at"},
                                  ExpressionAttributeValues={":q": {"N": str(seq)},
                                                             ":x": {"N": str(int(time.time()) + EXPIRY)}})
        except ClientError as exc:
            if not _failed(exc):
                raise

    def put(self, seq: int, key: AggKey, values: Mapping[str, int], name: str = "") -> None:
        item = {**_key(key), "q": {"N": str(seq)}, **{k: {"N": str(n)} for k, n in values.items() if n}}
        if name:
            item["nm"] = {"S": name}
        _client().put_item(TableName=_table(), Item=item)

    def delete(self, key: AggKey) -> None:
        _client().delete_item(TableName=_table(), Key=_key(key))

    def get(self, keys: Collection[AggKey]) -> dict[AggKey, Aggregate]:
        found = _batch_get([_key(k) for k in sorted(set(keys))], consistent=False)
        return {(item["pk"]["S"], item["sk"]["S"]): _aggregate(item) for item in found}

    def members(self, partition: str, upto: str | None = None) -> dict[str, Aggregate]:
        condition, values = "pk = :p", {":p": {"S": partition}}
        if upto is not None:
            condition, values[":u"] = condition + " AND sk <= :u", {"S": upto}
        out: dict[str, Aggregate] = {}
        start: dict[str, Any] | None = None
        while True:
            kwargs: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
            page = _client().query(TableName=_table(), KeyConditionExpression=condition,
                                   ExpressionAttributeValues=values, **kwargs)
            out.update({item["sk"]["S"]: _aggregate(item) for item in page.get("Items", [])})
            start = page.get("LastEvaluatedKey")
            if not start:
                return out


def _key(key: AggKey) -> dict[str, Any]:
    return {"pk": {"S": key[0]}, "sk": {"S": key[1]}}


def _batch_get(keys: list[dict[str, Any]], *, consistent: bool) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {_table(): {"Keys": keys[start:start + 100], "ConsistentRead": consistent}}
        while request:
            answer = _client().batch_get_item(RequestItems=request)
            found += answer.get("Responses", {}).get(_table(), [])
            request = answer.get("UnprocessedKeys") or {}
    return found
