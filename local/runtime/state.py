"""The state directory: the local secrets (created once, 0600) and `local.json`, the runtime's address
book for people, scripts and tests (written atomically)."""
from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Any

from local.runtime.snapshot import write_atomic

JWT_SECRET_FILE = "jwt.secret"
LOCAL_KEY_FILE = "local.key"
STATE_FILE = "local.json"
SNAPSHOT_FILE = "moto.snapshot"


def _secret_file(path: Path, make: Any) -> str:
    if not path.exists():
        write_atomic(path, make().encode("ascii"), mode=0o600)
    os.chmod(path, 0o600)
    return path.read_text("ascii").strip()


def jwt_secret(state_dir: Path) -> str:
    return _secret_file(state_dir / JWT_SECRET_FILE, lambda: secrets.token_urlsafe(48))


def local_key_file(state_dir: Path) -> Path:
    """32 random bytes, base64: the envelope key the app uses instead of KMS in the local runtime."""
    path = state_dir / LOCAL_KEY_FILE
    _secret_file(path, lambda: base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
    return path


def write_state(state_dir: Path, state: dict[str, Any]) -> Path:
    path = state_dir / STATE_FILE
    write_atomic(path, (json.dumps(state, indent=2, sort_keys=True, default=str) + "\n").encode(), mode=0o600)
    return path


def read_state(state_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((state_dir / STATE_FILE).read_text())
    return data
