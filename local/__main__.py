"""`python -m local`: the whole system on this machine, no AWS account needed (see DESIGN.md,
"The embedded default"). Run it from the project root."""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import importlib
import importlib.util
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

BOOTSTRAP_MODULE = "local.bootstrap"     # optional: registers start hooks (admin account, demo shops)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    p.add_argument("--state-dir", type=Path, default=Path(".state"), help="data, secrets, local.json")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8750, help="API and UI port (0: any free port)")
    p.add_argument("--moto-port", type=int, default=8751, help="AWS emulator port (0: any free port)")
    p.add_argument("--reset", action="store_true", help="discard the saved data and start empty")
    p.add_argument("--app", default="app:app", help="module:attribute of the Chalice app")
    p.add_argument("--ui-dir", type=Path, default=Path("ui/dist"))
    p.add_argument("--snapshot-interval", type=float, default=30.0,
                   help="seconds between snapshots (the journal keeps every change in between)")
    p.add_argument("--tick-scale", type=float, default=1.0, help="run schedules N times faster")
    p.add_argument("--fire-schedules-on-start", action="store_true")
    p.add_argument("--visibility-timeout", type=int, default=None,
                   help="seconds a received message stays hidden (default: the queue's own)")
    p.add_argument("--no-hooks", action="store_true", help="skip the start hooks (admin, demo shops)")
    p.add_argument("-v", "--verbose", action="store_true")
    return p.parse_args(argv)


def load_app(spec: str) -> Any:
    module_name, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module_name), attr or "app")


SECRET_WORDS = ("password", "secret", "token")


def _unsecret(key: str, value: Any, state_dir: Path) -> Any:
    """The banner lands in terminals' scrollback and CI logs: a secret is named by where it is kept."""
    if isinstance(value, dict):
        return {k: _unsecret(k, v, state_dir) for k, v in value.items()}
    if not any(word in key.lower() for word in SECRET_WORDS):
        return value
    password_file = state_dir / "admin.password"      # local/demo.py keeps the first admin's there
    where = [password_file] if key == "password" and password_file.exists() else []
    return "(in " + " and ".join(str(p) for p in [*where, state_dir / "local.json"]) + ")"


def _print_banner(state: dict[str, Any]) -> None:
    lines = [f"Qihang OMS local runtime (pid {state['pid']})",
             f"  UI:    {state['ui']}",
             f"  API:   {state['api']}   (try {state['api']}/health)",
             f"  AWS:   {state['moto']}   region {state['region']}, prefix {state['prefix']}",
             f"  state: {state['state_dir']}"]
    from local.runtime.hooks import RESERVED
    for key, value in state.items():
        if key not in RESERVED:
            safe = _unsecret(key, value, Path(state["state_dir"]))
            shown = safe if isinstance(safe, str) else json.dumps(safe, ensure_ascii=False)
            if len(shown) > 160:
                shown = f"(see {Path(state['state_dir']) / 'local.json'})"
            lines.append(f"  {key}: {shown}")
    for error in state.get("hook_errors", []):
        lines.append(f"  start hook failed: {error}")
    lines.append("Ctrl-C to stop (the data is saved and restored on the next start).")
    print("\n".join(lines), flush=True)


def _fewer_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives threads their own malloc arenas (up to 8 per core); the runtime's dozens of threads
    (pollers, schedules, HTTP servers) each fragment theirs, and RSS creeps over hours with no object
    growing. MALLOC_ARENA_MAX, set in the environment, wins."""
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):   # not glibc (musl): nothing to tune
        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)     # M_ARENA_MAX, before any thread starts


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _fewer_malloc_arenas()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug", "httpx", "pynamodb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.path.insert(0, str(Path.cwd()))

    from local.runtime import LocalRuntime, RuntimeConfig
    from local.runtime.snapshot import SnapshotVersionError

    if not args.no_hooks and importlib.util.find_spec(BOOTSTRAP_MODULE) is not None:
        importlib.import_module(BOOTSTRAP_MODULE)
    config = RuntimeConfig(state_dir=args.state_dir, host=args.host, port=args.port, moto_port=args.moto_port,
                           reset=args.reset, snapshot_interval=args.snapshot_interval,
                           tick_scale=args.tick_scale,
                           fire_schedules_on_start=args.fire_schedules_on_start,
                           visibility_timeout=args.visibility_timeout, ui_dir=args.ui_dir,
                           run_hooks=not args.no_hooks)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()          # a second Ctrl-C interrupts the shutdown itself
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    runtime = LocalRuntime(config, lambda: load_app(args.app))
    try:
        runtime.start()
    except SnapshotVersionError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: cannot start the local runtime: {e}", file=sys.stderr)
        return 1
    _print_banner(runtime.state)
    logging.getLogger("local.runtime").info("ready in %.2fs", runtime.timings["ready"])
    try:
        while not stop.wait(0.5):
            pass
    finally:
        print("stopping: saving the data...", flush=True)
        started = time.monotonic()
        runtime.halt()
        print(f"stopped ({time.monotonic() - started:.1f} s).", flush=True)
    logging.shutdown()
    # the snapshot is written and fsynced and the emulator is shut: threads still inside a batch or a
    # request are not waited for (each would only finish work that comes back from the queue anyway)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
