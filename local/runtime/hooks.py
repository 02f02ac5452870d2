"""Start and stop hooks: how the admin bootstrap, the sandbox's demo shops and the like join the local
runtime without the runtime knowing them. Register with `on_started(fn)` (also usable as a decorator);
`fn(ctx)` runs after everything is serving, in registration order. A failing hook is logged and
reported in the state file; it does not stop the runtime."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("local.hooks")

RESERVED = frozenset({"api", "ui", "moto", "region", "account_id", "prefix", "resources", "pid", "started_at",
                      "stopped_at", "status", "state_dir", "snapshot", "env", "hook_errors"})


@dataclass
class StartContext:
    base_url: str                 # the API (and UI) base URL, e.g. http://127.0.0.1:8750
    ui_url: str
    moto_endpoint: str
    state_dir: Path
    env: dict[str, str]           # what the runtime put into os.environ for the app
    resources: dict[str, Any]     # resolved names, URLs and ARNs (as in local.json)
    app: Any
    published: dict[str, Any] = field(default_factory=dict)

    def publish(self, key: str, value: Any) -> None:
        """Add an entry to `<state-dir>/local.json` (printed on the console too), e.g.
        `ctx.publish("admin", {"username": "admin", "password": ...})`. Values must be JSON-serialisable."""
        if key in RESERVED:
            raise ValueError(f"{key!r} is a reserved local.json key")
        self.published[key] = value


Hook = Callable[[StartContext], None]
_started: list[Hook] = []
_stopping: list[Hook] = []


def on_started(fn: Hook) -> Hook:
    if fn not in _started:
        _started.append(fn)
    return fn


def on_stopping(fn: Hook) -> Hook:
    if fn not in _stopping:
        _stopping.append(fn)
    return fn


def clear() -> None:
    _started.clear()
    _stopping.clear()


def _run(hooks: list[Hook], ctx: StartContext) -> list[str]:
    errors = []
    for hook in list(hooks):
        name = f"{getattr(hook, '__module__', '?')}.{getattr(hook, '__qualname__', repr(hook))}"
        try:
            hook(ctx)
        except Exception as e:
            log.exception("hook %s failed", name)
            errors.append(f"{name}: {e!r}")
    return errors


def run_started(ctx: StartContext) -> list[str]:
    return _run(_started, ctx)


def run_stopping(ctx: StartContext) -> list[str]:
    return _run(_stopping, ctx)
