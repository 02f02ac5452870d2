"""The review configuration (rules, auto-review switches, blacklist) in the sync table, as immutable
versions: sk "SET#<version>#<random>" holds one whole configuration, and the pointer ("REVIEW", "VERSION") names
the current one. The pointer is a few bytes, so the consumer's per-batch check costs half a read unit;
the configuration is read only when the version moved. Publishing writes the new version first, then
moves the pointer conditionally on the version read: two editors racing, one wins and the other gets a
conflict, and a crash between the two leaves an unused version and the old one current."""
from __future__ import annotations

import uuid
from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.storage import conditional
from chalicelib.storage.models import SyncItem

PK = "REVIEW"
POINTER = "VERSION"


def _set_key(version: int) -> str:
    return f"SET#{version:010d}#{uuid.uuid4().hex[:8]}"


class DynamoReviewStore:
    # another versioned configuration (the fulfilment rules, storage/fulfil.py) lives under its own key
    pk, what, changed_reason = PK, "review rules", "review.changed"

    def current(self, *, consistent: bool = True) -> tuple[int, str]:
        """The current version and the key of its configuration item."""
        try:
            item = SyncItem.get(self.pk, POINTER, consistent_read=consistent, attributes_to_get=["revision", "doc"])
        except SyncItem.DoesNotExist:
            return 0, ""
        return int(item.revision or 0), str((item.doc or {}).get("set", ""))

    def version(self) -> int:
        """The consumers' look once per batch, eventually consistent (half a read unit, 0.05 of a new order's):
        a version published a moment ago is taken a batch later, as one published just after any look is.
        `load` reads the pointer consistently, so the version it finds always has its configuration."""
        return self.current(consistent=False)[0]

    def load(self) -> dict[str, Any]:
        """The current configuration with its "version" ({} before the first one)."""
        version, key = self.current()
        if not key:
            return {}
        try:
            doc = dict(SyncItem.get(self.pk, key, consistent_read=True).doc or {})
        except SyncItem.DoesNotExist:
            return {}
        return {**doc, "version": version}

    def publish(self, doc: dict[str, Any], expected_version: int) -> int:
        """A unique key per attempt: a crashed or losing attempt leaves an item nobody points at (kept, as the
        older versions are: the configuration's history)."""
        version = expected_version + 1
        key = _set_key(version)
        SyncItem(self.pk, key, revision=version, doc=doc).save()   # kept: the versions' history
        condition = SyncItem.revision == expected_version if expected_version else SyncItem.sk.does_not_exist()
        try:
            conditional.put(SyncItem(self.pk, POINTER, revision=version, doc={"set": key}), condition, self.what)
        except ConflictError:
            raise ConflictError(f"the {self.what} changed meanwhile: reload them",
                                reason=self.changed_reason) from None
        return version


