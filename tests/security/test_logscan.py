"""The log-scan plugin's matcher and its capture (the plugin itself runs for the whole session)."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security import logscan

ROOT = Path(__file__).resolve().parents[2]


def test_given_lines_then_plaintext_phones_and_known_secret_shapes_are_flagged_and_masked_ones_not() -> None:
    lines = ["order applied 138****5678", "receiver 13812345678", "order no 1381234567890123",
             "erp secret es_" + "A" * 43, "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyb290In0.c2lnbmF0dXJlLXZhbHVl",
             "token my-registered-token-value", "all fine"]
    found = logscan.offending(lines, {"my-registered-token-value"})
    assert [line.split("] ", 1)[1] for line in found] == [lines[1], lines[3], lines[4], lines[5]]


def test_given_a_record_from_our_loggers_then_the_session_keeper_holds_it() -> None:
    keeper = logscan._Keeper()
    logger = logging.getLogger("tests.logscan-probe")  # not under "oms": the session scan must not see it
    logger.addHandler(keeper)
    try:
        logger.warning("buyer %s", "x", extra={"phone": "13800001111"})
    finally:
        logger.removeHandler(keeper)
    assert "13800001111" in keeper.lines[0]
    assert logscan.offending(keeper.lines, set())


PROBE = '''
import logging

def test_leaks_a_phone():
    logging.getLogger("oms.probe").warning("buyer phone 13812345678")

def test_clean():
    logging.getLogger("oms.probe").info("order applied 138****5678")
'''


def run_probe(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.security.logscan"]\n')
    (tmp_path / "test_probe.py").write_text(PROBE)
    # only the plugins the probe needs: the venv's other plugins would multiply its start-up time
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                           str(tmp_path), *args], check=False, capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)


@pytest.mark.parametrize("args", [(), ("-p", "xdist.plugin", "-n", "2")], ids=["plain", "xdist"])
def test_given_a_session_whose_tests_pass_but_log_a_phone_then_the_session_fails_and_prints_it(
        tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run_probe(tmp_path, *args)
    assert "2 passed" in result.stdout, result.stdout
    assert result.returncode == 1, result.stdout
    assert "buyer phone 13812345678" in result.stdout
    assert "138****5678" not in result.stdout
