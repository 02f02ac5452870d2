"""API tokens in the users table (a handful per user: no table of their own), under the key
"apitoken#<token_id>" and the sparse kind "APITOKEN" (the users list reads kind "USER" only). The doc
holds the secret's keyed hash, never the secret."""
from __future__ import annotations

import time

from chalicelib import names
from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.api_tokens import ApiToken
from chalicelib.storage import conditional
from chalicelib.storage.models import UserItem

KEY_PREFIX = "apitoken#"
KIND = "APITOKEN"


class DynamoApiTokenRepository:
    def add(self, token: ApiToken) -> None:
        item = UserItem(KEY_PREFIX + token.token_id, kind=KIND, revision=1, doc=to_doc(token) | {"revision": 1})
        conditional.put(item, UserItem.username.does_not_exist(), f"API token {token.token_id}")

    def get(self, token_id: str) -> ApiToken | None:
        try:
            item = UserItem.get(KEY_PREFIX + token_id, consistent_read=True)
        except UserItem.DoesNotExist:
            return None
        return from_doc(ApiToken, item.doc) if item.kind == KIND else None

    def save(self, token: ApiToken, expected_revision: int) -> None:
        revision = expected_revision + 1
        item = UserItem(KEY_PREFIX + token.token_id, kind=KIND, revision=revision,
                        doc=to_doc(token) | {"revision": revision})
        conditional.put(item, UserItem.revision == expected_revision, f"API token {token.token_id}")

    def all(self) -> list[ApiToken]:
        return [from_doc(ApiToken, i.doc) for i in UserItem.by_kind.query(KIND)]


class DynamoTokenRateLimiter:
    """The same per-minute window counters as the ERP clients' (erp_state "RATE#<key>#<window>", its TTL), sent
    through the users table's own DynamoDB client: pynamodb builds one botocore client per model class, and a
    second one is most of a cold /mcp request's extra cost (bench/mcp_coldstart.py)."""

    def hit(self, key: str, window_start: int, ttl_seconds: int) -> int:
        client = UserItem._get_connection().connection.client
        answer = client.update_item(
            TableName=names.table_name("erp_state"), Key={"state_key": {"S": f"RATE#{key}#{window_start}"}},
            UpdateExpression="ADD hits :one SET expires_at = :ttl", ReturnValues="UPDATED_NEW",
            ExpressionAttributeValues={":one": {"N": "1"}, ":ttl": {"N": str(int(time.time()) + ttl_seconds)}})
        return int(answer["Attributes"]["hits"]["N"])
