"""Admin users in DynamoDB."""
from __future__ import annotations

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.users import User
from chalicelib.storage import conditional
from chalicelib.storage.models import UserItem


class DynamoUserRepository:
    def get(self, username: str) -> User | None:
        try:
            return from_doc(User, UserItem.get(username, consistent_read=True).doc)
        except UserItem.DoesNotExist:
            return None

    def add(self, user: User) -> None:
        item = UserItem(user.username, revision=1, doc=to_doc(user) | {"revision": 1})
        conditional.put(item, UserItem.username.does_not_exist(), f"user {user.username}")

    def save(self, user: User, expected_revision: int) -> None:
        revision = expected_revision + 1
        item = UserItem(user.username, revision=revision, doc=to_doc(user) | {"revision": revision})
        conditional.put(item, UserItem.revision == expected_revision, f"user {user.username}")

    def all(self) -> list[User]:
        return [from_doc(User, i.doc) for i in UserItem.by_kind.query("USER")]
