"""One botocore data loader for the whole local runtime.

PynamoDB keeps a botocore session per thread (botocore's client creation is not thread-safe), and each
session makes its own loader, which parses endpoints.json, the partitions and each service's model again
and keeps them. The local runtime runs some sixty threads (queue pollers, schedules, servers, sandboxes):
measured 60 s after start, 22 sessions, 23 loaders and 523,000 OrderedDicts (botocore parses its JSON into
them), about 170 MB of the same read-only data, before the first order. A Lambda container runs one thread
and never sees it. Here every session is given the first loader: what it caches is parsed JSON that
botocore only reads."""
from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_shared: Any = None
_applied = False


class _Paths(list[str]):
    """boto3 appends its data path to the loader at each of its sessions: once is enough."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


def apply() -> None:
    global _applied
    if _applied:
        return
    import botocore.session

    def register(session: Any) -> None:
        session._components.lazy_register_component("data_loader", lambda: _loader(session))

    botocore.session.Session._register_data_loader = register  # type: ignore[method-assign]
    _applied = True


def _loader(session: Any) -> Any:
    global _shared
    with _lock:
        if _shared is None:
            from botocore.loaders import create_loader
            _shared = create_loader(session.get_config_variable("data_path"))
            _shared._search_paths = _Paths(_shared._search_paths)
        return _shared
