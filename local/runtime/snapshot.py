"""Persistence of the emulator. moto keeps everything in memory, so its backends (DynamoDB, S3, SQS
with its in-flight messages and receive counts, KMS, DynamoDB Streams) are pickled while the gate holds
every request, written atomically (temp file, fsync, rename) every interval and on shutdown, and put
back into a fresh moto before provisioning. A pickle is tied to moto's classes: a snapshot from another
moto version is refused, never half-loaded.

A hard kill (SIGKILL, a crash) loses nothing answered: the changes since the last snapshot are in the
journal (journal.py), replayed at the next start; without a journal, at most one interval is lost."""
from __future__ import annotations

import _thread
import copyreg
import io
import logging
import os
import pickle
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import moto
from moto.backends import get_backend

from local.runtime import moto_bounds
from local.runtime.journal import Journal
from local.runtime.moto_server import Gate

log = logging.getLogger("local.snapshot")

FORMAT = 1
SERVICES = ("dynamodb", "dynamodbstreams", "s3", "sqs", "kms")


class SnapshotVersionError(RuntimeError):
    pass


@dataclass(frozen=True)
class SnapshotStats:
    path: Path
    bytes: int
    seconds: float


def _new_lock() -> Any:
    return threading.Lock()


def _new_rlock() -> Any:
    return threading.RLock()


def _new_condition() -> threading.Condition:
    return threading.Condition()


def _load_private_key(der: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_der_private_key
    return load_der_private_key(der, password=None)


def _dump_private_key(key: Any) -> tuple[Any, tuple[bytes]]:
    from cryptography.hazmat.primitives import serialization
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return _load_private_key, (der,)


def _dispatch_table() -> dict[type, Any]:
    """Locks come back as fresh locks; KMS's asymmetric keys travel as PKCS8 DER."""
    table: dict[type, Any] = dict(copyreg.dispatch_table)
    table[_thread.LockType] = lambda _: (_new_lock, ())
    table[_thread.RLock] = lambda _: (_new_rlock, ())
    table[threading.Condition] = lambda _: (_new_condition, ())
    try:
        from cryptography.hazmat.bindings._rust import openssl as rust_openssl
        for cls in (rust_openssl.rsa.RSAPrivateKey, rust_openssl.ec.ECPrivateKey):
            table[cls] = _dump_private_key
    except (ImportError, AttributeError):   # pragma: no cover - another cryptography layout
        log.warning("cannot register cryptography key types; KMS asymmetric keys will not persist")
    return table


def capture() -> dict[str, dict[str, dict[str, Any]]]:
    state: dict[str, dict[str, dict[str, Any]]] = {}
    for service in SERVICES:
        backends = get_backend(service)    # type: ignore[call-overload]
        state[service] = {account: dict(dict.items(regions)) for account, regions in dict.items(backends)}
    return state


def dumps(state: dict[str, Any], journal_generation: int = 0) -> bytes:
    buffer = io.BytesIO()
    header = {"format": FORMAT, "moto": moto.__version__, "python": list(sys.version_info[:2]),
              "saved_at": time.time(), "journal": journal_generation}
    pickle.dump(header, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()
    pickler.dump(state)
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def save(path: Path, gate: Gate, *, close: bool = False, journal: Journal | None = None) -> SnapshotStats:
    """`close`: the gate stays shut after the snapshot (the process exits next). `journal`: the changes
    after this capture go to its next generation, and the older ones are dropped once the file is down."""
    started = time.perf_counter()
    if close:
        gate.close()
        data = _capture_and_rotate(journal)
    else:
        with gate.exclusive():      # no request runs while the backends are pickled
            data = _capture_and_rotate(journal)
    write_atomic(path, data)
    if journal is not None:
        journal.forget_before(journal.generation)
    return SnapshotStats(path, len(data), time.perf_counter() - started)


def _capture_and_rotate(journal: Journal | None) -> bytes:
    if journal is None:
        return dumps(capture())
    generation = journal.generation + 1
    data = dumps(capture(), generation)
    journal.rotate(generation)
    return data


def journal_generation(path: Path) -> int:
    """The journal generation that follows the snapshot at `path` (0: none, or a snapshot without one)."""
    return int(read_header(path).get("journal", 0)) if path.exists() else 0


def read_header(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        header: dict[str, Any] = pickle.load(f)
    return header


def restore(path: Path) -> bool:
    """Put a snapshot back into this process's (fresh) moto backends. False when there is none."""
    if not path.exists():
        return False
    with path.open("rb") as f:
        header = pickle.load(f)
        if header.get("format") != FORMAT or header.get("moto") != moto.__version__:
            raise SnapshotVersionError(
                f"{path} was written by moto {header.get('moto')} (format {header.get('format')}); this is "
                f"moto {moto.__version__} (format {FORMAT}). A moto snapshot only loads into the moto that "
                f"wrote it: install moto=={header.get('moto')} to read it, or start with --reset to discard "
                f"the local data.")
        state: dict[str, dict[str, dict[str, Any]]] = pickle.load(f)
    for service, accounts in state.items():
        live = get_backend(service)    # type: ignore[call-overload]
        for account, regions in accounts.items():
            account_backends = live[account]
            for region, backend in regions.items():
                dict.__setitem__(account_backends, region, backend)
    moto_bounds.bound_restored(get_backend("sqs"))
    log.info("restored %s (saved %s)", path, time.strftime("%Y-%m-%d %H:%M:%S",
                                                             time.localtime(header["saved_at"])))
    return True


def reset_backends() -> None:
    """moto's backends are process-global: forget everything (a stopped runtime leaves nothing behind)."""
    from moto.core.base_backend import BackendDict
    BackendDict.reset()


class Snapshotter:
    """Saves every `interval` seconds when the emulator served requests since the last save."""

    def __init__(self, path: Path, gate: Gate, interval: float, journal: Journal | None = None) -> None:
        self.path = path
        self.journal = journal
        self._gate = gate
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved_changes = -1
        self._lock = threading.Lock()
        self.last: SnapshotStats | None = None

    def start(self) -> None:
        if self._interval > 0:
            self._thread = threading.Thread(target=self._loop, name="local-snapshot", daemon=True)
            self._thread.start()

    def save_now(self, *, close: bool = False) -> SnapshotStats:
        with self._lock:
            changes = self._gate.changes
            self.last = save(self.path, self._gate, close=close, journal=self.journal)
            self._saved_changes = changes
            log.debug("snapshot %d bytes in %.3fs", self.last.bytes, self.last.seconds)
            return self.last

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            if self._gate.changes == self._saved_changes:
                continue
            try:
                self.save_now()
            except Exception:
                log.exception("snapshot failed; the previous one is kept")

    def stop(self, final: bool = True, *, close: bool = False) -> None:
        """`close`: the final snapshot shuts the gate for good (see Gate.close). A periodic save under
        way finishes first (the lock); the loop itself is not waited for."""
        self._stop.set()
        if self._thread is not None and not close:
            self._thread.join(timeout=30)
        if final:
            self.save_now(close=close)
