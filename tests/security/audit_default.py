"""A pytest plugin (registered from tests/conftest.py): every test starts with an in-memory audit log in
bootstrap, so a test on fakes that makes an admin change never reaches for DynamoDB. Tests on moto that
call bootstrap.reset() get the DynamoDB audit log on moto, as in production. Nothing else in bootstrap
is touched."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib import bootstrap
from tests.audit_fakes import InMemoryAuditLog


@pytest.fixture(autouse=True)
def in_memory_audit_log() -> Iterator[InMemoryAuditLog]:
    log = InMemoryAuditLog()
    instances = bootstrap._instances
    instances.setdefault("audit_log", log)
    yield log
    if instances.get("audit_log") is log:
        del instances["audit_log"]
