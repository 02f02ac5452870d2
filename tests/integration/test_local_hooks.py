"""Start hooks (admin bootstrap, demo shops) see the running system and publish into local.json."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from chalice import Chalice

from local.__main__ import _print_banner
from local.runtime import LocalRuntime, RuntimeConfig, StartContext, hooks

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def no_hooks_left() -> Iterator[None]:
    hooks.clear()
    yield
    hooks.clear()


def test_GIVEN_start_hooks_WHEN_the_runtime_starts_THEN_they_publish_into_local_json_and_failures_are_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[StartContext] = []

    @hooks.on_started
    def admin(ctx: StartContext) -> None:
        seen.append(ctx)
        ctx.publish("admin", {"username": "admin", "password": "s3cret"})

    @hooks.on_started
    def broken(ctx: StartContext) -> None:
        raise RuntimeError("sandbox down")

    stopped: list[str] = []
    hooks.on_stopping(lambda ctx: stopped.append(ctx.base_url))
    config = RuntimeConfig(state_dir=tmp_path, port=0, moto_port=0, snapshot_interval=0, ui_dir=None,
                           run_queues=False, run_schedules=False)
    with LocalRuntime(config, Chalice(app_name="hooks-test")) as rt:
        ctx = seen[0]
        assert ctx.base_url == rt.state["api"] and ctx.state_dir == tmp_path.resolve()
        assert ctx.env["AWS_ENDPOINT_URL"] == rt.moto_endpoint and ctx.env["JWT_SECRET"]
        assert ctx.resources["tables"]["UsersTable"]["name"].endswith("-users")
        with pytest.raises(ValueError):
            ctx.publish("api", "x")
        state = json.loads((tmp_path / "local.json").read_text())
        assert state["admin"] == {"username": "admin", "password": "s3cret"}
        assert "sandbox down" in state["hook_errors"][0]
        _print_banner(state)
        out = capsys.readouterr().out
        assert "start hook failed" in out and state["api"] in out
        assert "s3cret" not in out                          # banners land in logs: where it is, not what
        assert f'"password": "(in {tmp_path.resolve() / "local.json"})"' in out
    assert stopped == [state["api"]]
