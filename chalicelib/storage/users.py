"""Admin users in DynamoDB, and the sign-in attempt counters (one per name tried, known or not)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.models import Model

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.users import User
from chalicelib.storage import conditional
from chalicelib.storage.models import UserItem, table_meta

ATTEMPT_PREFIX = "sign-in#"
CLAIM_TRIES = 4


class SignInAttemptItem(Model):
    """In the short-lived keys table (its TTL removes old counters; attempts at unknown names pile up)."""
    Meta = table_meta("idempotency")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    id = UnicodeAttribute(hash_key=True)
    expiration = NumberAttribute()      # epoch seconds: the end of the window (and the TTL)
    attempts = NumberAttribute(default=0)


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
        """With the stamp on every usable API token of the user, in one transaction: a deactivated or
        demoted user's tokens follow at once (storage/api_tokens.py)."""
        from chalicelib.storage.api_tokens import save_user_and_stamps  # cold start: only a user save loads it
        revision = expected_revision + 1
        item = UserItem(user.username, revision=revision, doc=to_doc(user) | {"revision": revision})
        save_user_and_stamps(item, user, expected_revision)

    def all(self) -> list[User]:
        return [from_doc(User, i.doc) for i in UserItem.by_kind.query("USER")]

    def claim_sign_in(self, name: str, now: datetime, limit: int, window: timedelta) -> datetime | None:
        key, now_s = ATTEMPT_PREFIX + name, int(now.timestamp())
        until = now_s + int(window.total_seconds())
        for _ in range(CLAIM_TRIES):
            if _count(key, now_s, until, limit):
                return None
            current = _read(key)
            if current is None:                      # cleared meanwhile: count again
                continue
            ended = int(current.expiration)
            if ended > now_s:
                return datetime.fromtimestamp(ended, UTC)
            if _restart(key, ended, until):
                return None
        # every try lost a race to a restart or a clear: refuse this one rather than let it through uncounted
        return now + timedelta(seconds=1)

    def clear_sign_ins(self, name: str) -> None:
        SignInAttemptItem(ATTEMPT_PREFIX + name).delete()


def _count(key: str, now_s: int, until: int, limit: int) -> bool:
    """One atomic increment, refused once the window holds `limit` attempts (or has ended: see _restart)."""
    a = SignInAttemptItem
    try:
        a(key).update(actions=[a.attempts.add(1), a.expiration.set(until)],
                      condition=a.id.does_not_exist() | ((a.attempts < limit) & (a.expiration > now_s)))
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _read(key: str) -> SignInAttemptItem | None:
    try:
        return SignInAttemptItem.get(key, consistent_read=True)
    except SignInAttemptItem.DoesNotExist:
        return None


def _restart(key: str, ended: int, until: int) -> bool:
    """A window that has ended starts again at 1; only one of several racing attempts restarts it."""
    try:
        conditional.put(SignInAttemptItem(key, attempts=1, expiration=until),
                        SignInAttemptItem.expiration == ended, f"sign-in attempts {key}")
    except ConflictError:
        return False
    return True
