"""API tokens in the users table (a handful per user: no table of their own), under the key
"apitoken#<token_id>" and the sparse kind "APITOKEN" (the users list reads kind "USER" only). The doc
holds the secret's keyed hash, never the secret.

A cold /mcp request pays one DynamoDB round trip for its caller, as an admin request does for its JWT's user:
- the token item carries its user's role and state (`holder_role`, `holder_active`), stamped when the token is
  created (in one transaction with a check that the user is still the one read) and again whenever the user
  is saved (DynamoUserRepository.save: the user and every usable token of theirs, one transaction). So a
  deactivated or demoted user's tokens change with the user, at once, never after a cache expires;
- the token's rate window is counted on the token item itself (`rate`: window start -> hits) by the same
  UpdateItem that reads the token back (ReturnValues ALL_NEW): no second table, no second request.
A token revoked or expired is refused as before (its doc, read by that same request). A token from before
the stamp (no `holder_role`) has its user read live, as before."""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from chalicelib import names
from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.api_tokens import ApiToken
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.users import Role, User
from chalicelib.storage import conditional
from chalicelib.storage.models import UserItem

KEY_PREFIX = "apitoken#"
KIND = "APITOKEN"


def _client() -> Any:
    """The users model's own botocore client: a second client is most of a cold request's extra cost."""
    return UserItem._get_connection().connection.client


def _table() -> str:
    return names.table_name("users")


def _stamp(user: User) -> dict[str, Any]:
    return {"holder_role": {"S": user.role.value}, "holder_active": {"BOOL": bool(user.active)}}


class DynamoApiTokenRepository:
    def add(self, token: ApiToken, holder: User | None = None) -> None:
        """The token stamped with `holder` (its user as read, at that revision): refused with a ConflictError
        if the user changed meanwhile, so a stamp is never older than the user."""
        item = UserItem(KEY_PREFIX + token.token_id, kind=KIND, revision=1, doc=to_doc(token) | {"revision": 1})
        if holder is None:
            conditional.put(item, UserItem.username.does_not_exist(), f"API token {token.token_id}")
            return
        put = {"TableName": _table(), "Item": item.serialize() | _stamp(holder) | {"rate": {"M": {}}},
               "ConditionExpression": "attribute_not_exists(username)"}
        check = {"TableName": _table(), "Key": {"username": {"S": holder.username}},
                 # a user outside this table (a test's in-memory users) has no revision to race with
                 "ConditionExpression": "attribute_not_exists(username) OR revision = :r",
                 "ExpressionAttributeValues": {":r": {"N": str(holder.revision)}}}
        _transact([{"Put": put}, {"ConditionCheck": check}], f"API token {token.token_id}")

    def get(self, token_id: str) -> ApiToken | None:
        try:
            item = UserItem.get(KEY_PREFIX + token_id, consistent_read=True)
        except UserItem.DoesNotExist:
            return None
        return from_doc(ApiToken, item.doc) if item.kind == KIND else None

    def check_in(self, token_id: str, window_start: int) -> tuple[ApiToken, int] | None:
        """The token (with its user's stamp) and the hits of its rate window, this request counted: one
        UpdateItem. None: no such token (nothing is written for it)."""
        try:
            answer = _count(token_id, window_start)
        except _client().exceptions.ConditionalCheckFailedException:
            return None
        except _client().exceptions.ClientError as exc:     # a token from before the window map
            if exc.response["Error"]["Code"] != "ValidationException":
                raise
            _client().update_item(TableName=_table(), Key=_key(token_id), UpdateExpression="SET #r = :m",
                                  ConditionExpression="attribute_exists(username) AND attribute_not_exists(#r)",
                                  ExpressionAttributeNames={"#r": "rate"},
                                  ExpressionAttributeValues={":m": {"M": {}}})
            answer = _count(token_id, window_start)
        attributes = answer["Attributes"]
        rate = attributes.get("rate", {}).get("M", {})
        stale = [k for k in rate if k != str(window_start)]
        if stale:       # windows of an earlier burst the REMOVE did not reach: rare, after an idle gap
            _forget(token_id, stale)
        return _token(attributes), int(rate[str(window_start)]["N"])

    def save(self, token: ApiToken, expected_revision: int) -> None:
        revision = expected_revision + 1
        item = UserItem(KEY_PREFIX + token.token_id, kind=KIND, revision=revision,
                        doc=to_doc(token) | {"revision": revision})
        conditional.put(item, UserItem.revision == expected_revision, f"API token {token.token_id}")

    def all(self) -> list[ApiToken]:
        return [from_doc(ApiToken, i.doc) for i in UserItem.by_kind.query(KIND)]


def save_user_and_stamps(item: UserItem, user: User, expected_revision: int) -> None:
    """The user (at expected_revision) and the stamp on every usable token of theirs, all or nothing."""
    now = datetime.now(UTC)
    tokens = [t for t in DynamoApiTokenRepository().all() if t.username == user.username and t.usable(now)]
    put = {"TableName": _table(), "Item": item.serialize(), "ConditionExpression": "revision = :r",
           "ExpressionAttributeValues": {":r": {"N": str(expected_revision)}}}
    stamps = [{"Update": {"TableName": _table(), "Key": _key(t.token_id),
                          "UpdateExpression": "SET holder_role = :role, holder_active = :active",
                          "ConditionExpression": "attribute_exists(username)",
                          "ExpressionAttributeValues": {":role": _stamp(user)["holder_role"],
                                                        ":active": _stamp(user)["holder_active"]}}}
              for t in tokens]
    _transact([{"Put": put}, *stamps], f"user {user.username}")


def _key(token_id: str) -> dict[str, Any]:
    return {"username": {"S": KEY_PREFIX + token_id}}


def _count(token_id: str, window_start: int) -> dict[str, Any]:
    return _client().update_item(  # type: ignore[no-any-return]
        TableName=_table(), Key=_key(token_id), ReturnValues="ALL_NEW",
        UpdateExpression="SET #r.#w = if_not_exists(#r.#w, :zero) + :one REMOVE #r.#previous",
        ConditionExpression="attribute_exists(username) AND #k = :kind",
        ExpressionAttributeNames={"#r": "rate", "#w": str(window_start), "#previous": str(window_start - 60),
                                  "#k": "kind"},
        ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}, ":kind": {"S": KIND}})


def _forget(token_id: str, windows: Sequence[str]) -> None:
    names_ = {f"#s{i}": w for i, w in enumerate(windows)}
    _client().update_item(TableName=_table(), Key=_key(token_id), ExpressionAttributeNames={"#r": "rate", **names_},
                          UpdateExpression="REMOVE " + ", ".join(f"#r.{n}" for n in names_))


def _token(attributes: dict[str, Any]) -> ApiToken:
    token = from_doc(ApiToken, json.loads(attributes["doc"]["S"]))
    if "holder_role" not in attributes:
        return token
    return token.stamped(Role(attributes["holder_role"]["S"]), bool(attributes["holder_active"]["BOOL"]))


def _transact(items: list[dict[str, Any]], what: str) -> None:
    client = _client()
    try:
        client.transact_write_items(TransactItems=items)
    except client.exceptions.TransactionCanceledException as exc:
        raise ConflictError(f"{what} changed meanwhile: try again") from exc
