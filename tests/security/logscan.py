"""A pytest plugin (registered from tests/conftest.py) that keeps every log record our code emits during
the whole session (loggers "oms", "chalicelib", "local") and fails the session, printing the lines, when
any holds a plaintext mainland mobile number or a known test secret/token.

Known secrets: the shapes our fakes and sandboxes issue (LEAK_PATTERNS), the JWT key of the test
environment, and whatever a test registers with `watch(value)` at run time. Under xdist each worker
scans its own lines at its end and hands the offenders to the controller (workeroutput), which fails."""
from __future__ import annotations

import logging
import os
import re
import traceback
from typing import Any

import pytest

LOGGERS = ("oms", "chalicelib", "local")
# A mainland mobile number standing alone: not masked, and not part of an identifier (an order or SKU id,
# a message id: "S1A2-17277795472", "msg:13...") nor the value of an id-like JSON key, which random
# 11-digit ids starting 13..19 would otherwise match now and then.
MOBILE = re.compile(r"(?<![0-9A-Za-z_*\-:#/.])1[3-9]\d{9}(?![0-9A-Za-z_*])")
ID_KEY = re.compile(r'"[A-Za-z_]*(?:id|no|ids|sn|key|code|version)"\s*:\s*\[?\s*"?$', re.IGNORECASE)


def plain_phones(text: str) -> list[str]:
    return [m.group() for m in MOBILE.finditer(text) if not ID_KEY.search(text[max(0, m.start() - 60):m.start()])]
LEAK_PATTERNS = (
    re.compile(r"\bes_[A-Za-z0-9_-]{40,}"),                 # ERP client signing secrets
    re.compile(r"sandbox-secret-not-real[-\w]*"),             # sandbox app secrets
    re.compile(r"\bdy-[ar]t-[0-9a-f]{32}\b"),                 # Douyin sandbox access / refresh tokens
    re.compile(r"\b620[12][0-9a-f]{40}\b"),                   # Taobao sandbox access / refresh tokens
    re.compile(r"\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}"),  # a whole JWT
)
MAX_KEPT = 500_000
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
_watched: set[str] = set()


def watch(*secrets: str) -> None:
    """Registers values no log line may contain (tokens, secrets, full phone numbers a test generated)."""
    _watched.update(s for s in secrets if s and len(s) >= 8)


class _Keeper(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.lines) >= MAX_KEPT:
            return
        try:
            extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
            text = f"{record.name} {record.levelname} {record.getMessage()} {extra or ''}"
            if record.exc_info:
                text += " " + "".join(traceback.format_exception(*record.exc_info))
            self.lines.append(text)
        except Exception:           # a record that cannot be formatted is not ours to fail on here
            pass


def offending(lines: list[str], watched: set[str]) -> list[str]:
    found = []
    for line in lines:
        why = [f"phone {phone}" for phone in plain_phones(line)]
        why += [f"secret {p.pattern}" for p in LEAK_PATTERNS if p.search(line)]
        why += ["a registered secret" for s in watched if s in line]
        if why:
            found.append(f"[{'; '.join(why)}] {line[:500]}")
    return found


class LogScan:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.keeper = _Keeper()
        self.offenders: list[str] = []
        for name in LOGGERS:
            logging.getLogger(name).addHandler(self.keeper)

    def scan(self) -> list[str]:
        jwt_secret = os.environ.get("JWT_SECRET", "")
        return offending(self.keeper.lines, _watched | ({jwt_secret} if jwt_secret else set()))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        for name in LOGGERS:
            logging.getLogger(name).removeHandler(self.keeper)
        self.offenders += self.scan()
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:                     # an xdist worker: the controller decides
            workeroutput["logscan_offenders"] = self.offenders
            return
        if self.offenders:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.offenders:
            terminalreporter.section("log scan: plaintext phone numbers or secrets in log lines", red=True)
            for line in self.offenders[:200]:
                terminalreporter.line(line)
            terminalreporter.line(f"{len(self.offenders)} offending line(s); the session fails")


class XdistController:
    def __init__(self, scan: LogScan) -> None:
        self.scan = scan

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        self.scan.offenders += list(getattr(node, "workeroutput", {}).get("logscan_offenders", []))


def pytest_configure(config: pytest.Config) -> None:
    scan = LogScan(config)
    config.pluginmanager.register(scan, "oms-logscan")
    if hasattr(config.hook, "pytest_testnodedown") and not hasattr(config, "workerinput"):   # xdist controller
        config.pluginmanager.register(XdistController(scan), "oms-logscan-xdist")
