"""A write-ahead journal of the emulator's changes between snapshots, so a hard kill (SIGKILL, a crash)
loses nothing the runtime has answered: every request that changed state is appended (and handed to
the kernel) before moto's answer leaves, and replayed in order on top of the snapshot at the next start.

Each snapshot starts a new journal generation (`journal.<n>`); the snapshot's header names it, so a
start replays that generation and any later one (a kill between the capture and the file landing leaves
two), and older files go once the snapshot is on disk. Journaled requests run one at a time, so the
file's order is the order moto applied them; reads never wait for it.

Not journaled: SQS receives and visibility changes (a message received after the snapshot is simply
visible again after a restart: delivered once more, as SQS may do anyway). A delete whose receipt handle
the replay does not know fails harmlessly, with the same effect. The kernel holds what was written: a
process kill loses nothing, a power cut may lose the last writes (no fsync per request)."""
from __future__ import annotations

import io
import logging
import os
import pickle
import struct
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger("local.journal")

PREFIX = "journal."
_LENGTH = struct.Struct(">I")
_NOT_JOURNALED = frozenset({"AmazonSQS.ReceiveMessage", "AmazonSQS.ChangeMessageVisibility",
                            "AmazonSQS.ChangeMessageVisibilityBatch"})
_KEPT_ENVIRON = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_NAME",
                 "SERVER_PORT", "wsgi.url_scheme")


def is_candidate(environ: dict[str, Any], reads: frozenset[str]) -> bool:
    """Could this request change state (decided before it runs)?"""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return target not in reads and target not in _NOT_JOURNALED
    return environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD")


def read_body(environ: dict[str, Any]) -> bytes:
    """The request body, read whole and put back as a fresh stream for moto."""
    length = environ.get("CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    if length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):     # chunked: werkzeug ends the stream with the body
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return bytes(body)


def record(environ: dict[str, Any], body: bytes) -> bytes:
    kept = {k: environ[k] for k in _KEPT_ENVIRON if k in environ}
    kept.update({k: v for k, v in environ.items() if k.startswith("HTTP_")})
    data = pickle.dumps((kept, body), protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def journal_path(state_dir: Path, generation: int) -> Path:
    return state_dir / f"{PREFIX}{generation}"


def generations(state_dir: Path) -> list[int]:
    found = []
    for path in state_dir.glob(f"{PREFIX}*"):
        suffix = path.name[len(PREFIX):]
        if suffix.isdigit():
            found.append(int(suffix))
    return sorted(found)


class Journal:
    """Appends; one writer at a time (the lock also orders the requests it guards)."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.lock = threading.Lock()
        self.generation = 0
        self._fd: int | None = None
        self.records = 0

    @property
    def enabled(self) -> bool:
        return self._fd is not None

    def rotate(self, generation: int) -> None:
        """A new file for the changes after the snapshot being taken (called under the gate)."""
        with self.lock:
            self._close()
            self.generation = generation
            self._fd = os.open(journal_path(self.state_dir, generation),
                               os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_TRUNC, 0o600)

    def append(self, data: bytes) -> None:
        if self._fd is not None:
            os.write(self._fd, data)
            self.records += 1

    def forget_before(self, generation: int) -> None:
        """The snapshot of `generation` is on disk: the journals before it are in it."""
        for old in generations(self.state_dir):
            if old < generation:
                journal_path(self.state_dir, old).unlink(missing_ok=True)

    def close(self) -> None:
        with self.lock:
            self._close()

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def entries(path: Path) -> Iterator[tuple[dict[str, Any], bytes]]:
    """The records of one journal file; a record torn by the kill (the last one) is left out."""
    data = path.read_bytes()
    at = 0
    while at + _LENGTH.size <= len(data):
        (length,) = _LENGTH.unpack_from(data, at)
        start, end = at + _LENGTH.size, at + _LENGTH.size + length
        if end > len(data):
            log.warning("%s: the last record was cut short by the kill; left out", path.name)
            return
        yield pickle.loads(data[start:end])
        at = end


def replay(state_dir: Path, since: int, app: Callable[..., Iterable[bytes]]) -> int:
    """Applies every journaled request of generation `since` and later, in order, straight to moto's WSGI
    app (no socket). Returns how many were replayed."""
    from werkzeug.test import EnvironBuilder

    replayed = 0
    for generation in generations(state_dir):
        if generation < since:
            continue
        for kept, body in entries(journal_path(state_dir, generation)):
            builder = EnvironBuilder(method=kept["REQUEST_METHOD"], path=kept.get("PATH_INFO", "/"),
                                     query_string=kept.get("QUERY_STRING", ""), data=body)
            environ = builder.get_environ()
            environ.update({k: v for k, v in kept.items() if k.startswith("HTTP_") or k in (
                "CONTENT_TYPE", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme")})
            environ["CONTENT_LENGTH"] = str(len(body))
            b"".join(app(environ, lambda status, headers, exc_info=None: None))
            replayed += 1
    if replayed:
        log.info("replayed %d journaled changes since the snapshot", replayed)
    return replayed
