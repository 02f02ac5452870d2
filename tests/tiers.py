"""Test tiers: each folder under tests/ is a tier, carried as a pytest marker, and the session ends with
the time each tier took, so the slow tier is visible in CI (`make test` runs everything under xdist:
the controller receives every worker's reports, so the sums are over the whole run)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

TIERS = ("unit", "contract", "integration", "e2e", "browser", "chaos", "security", "printing")
_TESTS = Path(__file__).resolve().parent


def tier_of_path(path: Path) -> str | None:
    try:
        folder = path.resolve().relative_to(_TESTS).parts[0]
    except (ValueError, IndexError):
        return None
    return folder if folder in TIERS else None


def tier_of_nodeid(nodeid: str) -> str | None:
    parts = nodeid.split("::", 1)[0].split("/")
    if "tests" not in parts[:-1]:
        return None
    folder = parts[parts.index("tests") + 1]
    return folder if folder in TIERS else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = tier_of_path(item.path)
        if tier is not None and item.get_closest_marker(tier) is None:
            item.add_marker(getattr(pytest.mark, tier))


class TierClock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.tests: dict[str, int] = defaultdict(int)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        tier = tier_of_nodeid(report.nodeid) or "other"
        self.seconds[tier] += report.duration
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.tests[tier] += 1

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.seconds:
            return
        terminalreporter.write_sep("=", "time per test tier (setup + call + teardown, summed over workers)")
        for tier, seconds in sorted(self.seconds.items(), key=lambda row: -row[1]):
            terminalreporter.write_line(f"{tier:<12} {self.tests[tier]:>5} tests {seconds:>9.1f} s")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):    # xdist workers report to the controller, which sums
        config.pluginmanager.register(TierClock(), "tier-clock")
