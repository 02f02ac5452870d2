"""The local runtime: moto in-process, state restored, resources provisioned from infra/, the app's
routes, queues and schedules running, hooks run, `local.json` written. `stop()` undoes it in reverse,
snapshotting before moto goes away."""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from chalice.app import ScheduledEventConfig, SQSEventConfig

from local.runtime import botocore_loader, hooks, journal, snapshot, state
from local.runtime.cfn import Pseudo, Resolver
from local.runtime.moto_server import Gate, GatedMotoServer, aws_env, start_moto
from local.runtime.provision import Provisioned, allow_ui_origin, provision
from local.runtime.queue_runner import QueueRunner, RunnerOptions
from local.runtime.scheduler import Scheduler, SchedulerOptions
from local.runtime.ttl import TtlSweeper
from local.runtime.web import API_PREFIXES, WebServer

log = logging.getLogger("local.runtime")

DEFAULT_PREFIX = "qihang-oms-local"


@dataclass
class RuntimeConfig:
    state_dir: Path = Path(".state")
    host: str = "127.0.0.1"
    port: int = 8750                      # 0: any free port
    moto_port: int = 8751                 # 0: any free port
    region: str = "us-east-1"
    account_id: str = "123456789012"
    reset: bool = False                   # discard the saved emulator state
    # seconds; 0 disables the periodic snapshot (stop still saves). The journal holds every answered change
    # between snapshots, so this bounds only the replay at the next start: each snapshot pauses every
    # request while the whole state is pickled (2 MB after 6 minutes at x60, and growing with the data)
    snapshot_interval: float = 30.0
    stop_grace: float = 2.0               # halt(): seconds running batches and stop hooks get to finish
    journal: bool = True                  # answered changes survive a hard kill (journal.py)
    external_moto: str = ""               # an emulator in another process (benchmarks): nothing persisted here
    tick_scale: float = 1.0
    fire_schedules_on_start: bool = False
    visibility_timeout: int | None = None
    idle_wait: float = 1.0                # a send wakes its queue's poller; this is for retries coming back
    # pulls of different shops run side by side, as Lambda runs the pull-jobs queue's message groups (one
    # per shop); each waits mostly on its platform. Not the orders consumer: Lambda runs its concurrent
    # batches in separate processes, and its per-batch read cache (workers/batch_reads.py) is module state
    queue_concurrency: tuple[tuple[str, int], ...] = (("on_pull_job", 4),)
    ui_dir: Path | None = Path("ui/dist")
    api_prefixes: tuple[str, ...] = API_PREFIXES
    run_queues: bool = True
    run_schedules: bool = True
    run_hooks: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)


def _default_resources() -> dict[str, Any]:
    from infra.template import resources
    return resources()


def _template_env(pseudo: Pseudo, lookup: Callable[[str, str], Any]) -> dict[str, str]:
    """The environment infra/ gives the functions on AWS (RAW_BUCKET, SECRETS_KEY_ID...), resolved."""
    try:
        from infra.template import merge_template
        variables = merge_template(SimpleNamespace(event_sources=[]))["Resources"]["APIHandler"][
            "Properties"]["Environment"]["Variables"]
    except (ImportError, KeyError):
        return {}
    resolver, env = Resolver(pseudo, lookup), {}
    for name, value in variables.items():
        try:
            env[name] = str(resolver.resolve(value))
        except KeyError as e:       # an app-specific template without that resource
            log.debug("not exporting %s: %s", name, e)
    return env


# the app's caches built from the environment the runtime sets (OMS_LOCAL_KEY_FILE, JWT_SECRET, RAW_BUCKET, the
# emulator's queue URLs): made by an earlier runtime or test of this process, they would serve this one
# with a stale key file (no master key: the demo's shops cannot be stored) or a dead endpoint
_ENV_CACHES = (("chalicelib.config", "settings"), ("chalicelib.storage.envelope", "default_envelope"),
               ("chalicelib.messaging.publisher", "_queue_url"))


def _forget_process_caches() -> None:
    for module_name, attr in _ENV_CACHES:
        module = sys.modules.get(module_name)
        if module is not None:          # not imported yet: nothing cached
            getattr(module, attr).cache_clear()
    _forget_model_connections()


def _forget_model_connections() -> None:
    """pynamodb keeps one client per model class, bound to the endpoint it was first used with: after a
    runtime (or a moto mock) went away it points at a dead port or at real AWS. The start-up upgrades
    and the app in this process must reach this runtime's emulator, so every model makes a new one."""
    models = sys.modules.get("pynamodb.models")
    if models is None:              # nothing built a model yet: nothing cached
        return
    pending: list[type[Any]] = list(models.Model.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        cls._connection = None


class LocalRuntime:
    def __init__(self, config: RuntimeConfig, app: Any | Callable[[], Any],
                 resources: Callable[[], dict[str, Any]] = _default_resources) -> None:
        self.config = config
        self._app_source = app
        self._resources = resources
        self.state_dir = config.state_dir.resolve()
        self.snapshot_path = self.state_dir / state.SNAPSHOT_FILE
        self.gate = Gate()
        self.app: Any = None
        self.moto: GatedMotoServer | None = None
        self.snapshotter: snapshot.Snapshotter | None = None
        self.journal: journal.Journal | None = None
        self.runner: QueueRunner | None = None
        self.scheduler: Scheduler | None = None
        self.web: WebServer | None = None
        self.ttl: TtlSweeper | None = None
        self.provisioned = Provisioned()
        self.env: dict[str, str] = {}
        self.context: hooks.StartContext | None = None
        self.state: dict[str, Any] = {}
        self.timings: dict[str, float] = {}
        self._saved_env: dict[str, str | None] = {}

    @property
    def moto_endpoint(self) -> str:
        if self.config.external_moto:
            return self.config.external_moto
        assert self.moto is not None
        host, port = self.moto.get_host_and_port()
        return f"http://{host}:{port}"

    def _set_env(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value
        self.env.update(values)

    def _relist_if_needed(self) -> None:
        """A saved state from before the by_list / by_print (by_goods) index: its orders get their list
        attributes once (its ERP SKUs become goods of the library)."""
        if any(index in ("by_list", "by_print") for _, index in self.provisioned.new_indexes):
            from chalicelib.storage.relist import relist_orders
            relist_orders()
        if any(index == "by_goods" for _, index in self.provisioned.new_indexes):
            from chalicelib.storage.goods_upgrade import upgrade_goods
            upgrade_goods()     # a saved state from before the goods library: its ERP SKUs become goods
        elif self._has_table("goods"):
            from chalicelib.storage.goods_upgrade import index_specs
            index_specs()       # a saved state from before the search by spec value (once: a marker item)

    def _has_table(self, key: str) -> bool:
        """The resources hold the app's table (a test's own template may not)."""
        from chalicelib import names
        wanted = names.table_name(key)
        return any(table.get("name") == wanted for table in self.provisioned.tables.values())

    def _place_default_stock(self) -> None:
        """A saved state from before warehouses: its stock becomes the default warehouse's, once. Only
        when the resources hold the app's stock table (a test's own template has none)."""
        from chalicelib import names
        stock = names.table_name("stock")
        if not any(table.get("name") == stock for table in self.provisioned.tables.values()):
            return
        from chalicelib.storage.warehouse_upgrade import place_default_stock
        place_default_stock()

    def _recount_if_needed(self, restored: bool) -> None:
        """A saved state from before the reports consumer kept the workbench counters (no shop totals among
        the aggregates): they are rebuilt from its orders once."""
        if not restored or not self._has_table("reports") or not self._has_table("orders"):
            return
        from chalicelib import bootstrap
        from chalicelib.domain.errors import ConflictError
        from chalicelib.domain.order_counters import WORKBENCH
        from chalicelib.services.report_rebuild import rebuild_counters
        deps = bootstrap.report_fold_deps(owner="rebuild")
        if deps.store.members(WORKBENCH):
            return
        try:
            rebuild_counters(deps, [shop.shop_id for shop in bootstrap.shops().all()])
        except ConflictError:      # a batch cut short holds the writer's lease: the next start tries again
            logging.getLogger("oms.local").warning("counters not rebuilt: the report writer is busy")

    def _report_if_needed(self, restored: bool) -> None:
        """A saved state from before the report aggregates: its last year's orders are folded in once."""
        if restored and any(logical.startswith("Reports") for logical in self.provisioned.created):
            from datetime import timedelta

            from chalicelib import bootstrap
            from chalicelib.services.report_rebuild import rebuild
            today = datetime.now(UTC).date() + timedelta(days=1)
            rebuild(bootstrap.report_fold_deps(owner="rebuild"), [shop.shop_id for shop in bootstrap.shops().all()],
                    today - timedelta(days=366), today)

    def start(self) -> LocalRuntime:
        botocore_loader.apply()              # before the first thread makes a session
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> LocalRuntime:
        t0 = time.perf_counter()
        cfg = self.config
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if cfg.reset:
            self.snapshot_path.unlink(missing_ok=True)
            for generation in journal.generations(self.state_dir):
                journal.journal_path(self.state_dir, generation).unlink(missing_ok=True)
        self._set_env({"OMS_PREFIX": os.environ.get("OMS_PREFIX") or DEFAULT_PREFIX,
                       "JWT_SECRET": state.jwt_secret(self.state_dir),
                       "OMS_LOCAL_KEY_FILE": str(state.local_key_file(self.state_dir)),
                       "OMS_LOCAL": "1", **cfg.extra_env})
        for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            os.environ.pop(var, None)
        restored, since, replayed = self._start_emulator()
        self.timings["restore"] = time.perf_counter() - t0
        pseudo = Pseudo(cfg.account_id, cfg.region, "aws", os.environ["OMS_PREFIX"])
        self.provisioned = provision(self._resources(), self.moto_endpoint, pseudo)
        self._set_env(_template_env(pseudo, self.provisioned.attribute))
        _forget_process_caches()        # settings() includes the template's variables
        self._relist_if_needed()
        self._place_default_stock()
        self._recount_if_needed(restored)
        self._report_if_needed(restored)
        self.timings["provision"] = time.perf_counter() - t0
        log.info("emulator at %s: %s, %d journaled changes replayed, %d resources created", self.moto_endpoint,
                 "state restored" if restored else "fresh state", replayed, len(self.provisioned.created))
        self.app = self._app_source() if callable(self._app_source) and not hasattr(
            self._app_source, "handler_map") else self._app_source
        self.timings["app"] = time.perf_counter() - t0
        for source in getattr(self.app, "event_sources", []):
            if not isinstance(source, SQSEventConfig | ScheduledEventConfig):
                log.warning("%s (%s) does not run in the local runtime", source.name, type(source).__name__)
        if not cfg.external_moto:
            self._start_snapshots(since)
            self.ttl = TtlSweeper(self.moto_endpoint, cfg.region, cfg.account_id)
            self.ttl.start()
        self.web = WebServer(self.app, cfg.host, cfg.port, cfg.ui_dir, api_prefixes=cfg.api_prefixes)
        self.web.start()
        allow_ui_origin(self._resources(), self.moto_endpoint, pseudo, self.provisioned, self.web.url)
        self._start_workers()
        self.timings["serving"] = time.perf_counter() - t0
        self.state = self._base_state()
        web_url = self.web.url
        self.context = hooks.StartContext(web_url, web_url + "/", self.moto_endpoint, self.state_dir,
                                          dict(self.env), self.provisioned.as_json(), self.app)
        errors = hooks.run_started(self.context) if cfg.run_hooks else []
        self.state.update(self.context.published)
        if errors:
            self.state["hook_errors"] = errors
        self.write_state()
        self.timings["ready"] = time.perf_counter() - t0
        return self

    def _start_snapshots(self, since: int) -> None:
        cfg = self.config
        self.snapshotter = snapshot.Snapshotter(self.snapshot_path, self.gate, cfg.snapshot_interval,
                                                self._start_journal(since) if cfg.journal else None)
        if cfg.journal:
            self.snapshotter.save_now()   # what was replayed and provisioned; the journal starts after it
        self.snapshotter.start()

    def _start_workers(self) -> None:
        cfg = self.config
        if cfg.run_queues:
            self.runner = QueueRunner(self.app, RunnerOptions(self.moto_endpoint, cfg.region, cfg.account_id,
                                                              cfg.visibility_timeout, cfg.idle_wait,
                                                              wake_on_send=not cfg.external_moto,
                                                              concurrency=cfg.queue_concurrency,
                                                              wait_seconds=1 if cfg.external_moto else 0))
            self.runner.start()
        if cfg.run_schedules:
            self.scheduler = Scheduler(self.app, SchedulerOptions(cfg.region, cfg.account_id, cfg.tick_scale,
                                                                  cfg.fire_schedules_on_start))
            self.scheduler.start()

    def _start_emulator(self) -> tuple[bool, int, int]:
        """moto in this process, the snapshot and the journal put back: (restored, journal generation,
        changes replayed). An external emulator keeps its own state."""
        cfg = self.config
        if not cfg.external_moto:
            self.moto = start_moto(cfg.host, cfg.moto_port, self.gate)
        self._set_env(aws_env(self.moto_endpoint, cfg.region))
        _forget_process_caches()
        if self.moto is None:
            return False, 0, 0
        restored = snapshot.restore(self.snapshot_path)      # SnapshotVersionError propagates
        since = snapshot.journal_generation(self.snapshot_path)
        return restored, since, journal.replay(self.state_dir, since, self.moto.app)

    def _start_journal(self, since: int) -> journal.Journal:
        assert self.moto is not None
        self.journal = journal.Journal(self.state_dir)
        self.journal.generation = max([since, *journal.generations(self.state_dir)])
        self.moto.journal = self.journal
        return self.journal

    def _base_state(self) -> dict[str, Any]:
        assert self.web is not None
        cfg = self.config
        url = self.web.url
        return {"status": "running", "api": url, "ui": url + "/", "moto": self.moto_endpoint,
                "region": cfg.region, "account_id": cfg.account_id, "prefix": os.environ["OMS_PREFIX"],
                "resources": self.provisioned.as_json(), "pid": os.getpid(),
                "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "state_dir": str(self.state_dir),
                "snapshot": {"path": str(self.snapshot_path), "interval_seconds": cfg.snapshot_interval}}

    def write_state(self) -> Path:
        return state.write_state(self.state_dir, self.state)

    def snapshot_now(self) -> snapshot.SnapshotStats:
        assert self.snapshotter is not None
        return self.snapshotter.save_now()

    def stop(self) -> None:
        """Stop taking work, let running batches finish, snapshot, stop moto, forget its state."""
        if self.ttl is not None:
            self.ttl.stop()
        if self.context is not None and self.config.run_hooks:
            hooks.run_stopping(self.context)
        if self.web is not None:
            self.web.stop()
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.runner is not None:
            self.runner.stop()
        if self.snapshotter is not None:
            try:
                self.snapshotter.stop(final=True)
            except Exception:
                log.exception("final snapshot failed; the previous one is kept")
        self._stop_emulator()
        if self.state:
            self.state.update(status="stopped", stopped_at=datetime.now(UTC).isoformat(timespec="seconds"))
            self.write_state()
        self._restore_env()
        _forget_process_caches()        # none is left bound to the emulator that just stopped
        self.moto = self.web = None
        self.runner = self.scheduler = None
        self.snapshotter = None
        self.context = None

    def _stop_emulator(self) -> None:
        if self.moto is not None and self.moto.error is None:
            self.moto.stop()
            snapshot.reset_backends()
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    def _restore_env(self) -> None:
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def halt(self) -> None:
        """For a process about to exit (SIGINT/SIGTERM): stop taking work, give running batches, functions
        and stop hooks `stop_grace` seconds in all, then take the last snapshot with the emulator shut
        for good (nothing is answered after it that it does not hold) and mark local.json stopped. No
        thread is waited for beyond the grace: the caller exits the process right after (os._exit).
        A batch cut short leaves its messages on the queue (the snapshot holds them in flight): they
        come back after their visibility timeout, as when a Lambda times out."""
        deadline = time.monotonic() + self.config.stop_grace
        if self.ttl is not None:
            self.ttl.stop()
        waits: list[threading.Thread] = []
        for name, fn in (("web", self._stop_web), ("hooks", self._stopping_hooks),
                         ("schedules", self._stop_schedules), ("queues", self._stop_queues)):
            thread = threading.Thread(target=fn, name=f"halt-{name}", daemon=True)
            thread.start()
            waits.append(thread)
        for thread in waits:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                log.warning("%s still running at shutdown: left behind", thread.name)
        if self.snapshotter is not None:
            try:
                self.snapshotter.stop(final=True, close=True)
            except Exception:
                log.exception("final snapshot failed; the previous one is kept")
        if self.state:
            self.state.update(status="stopped", stopped_at=datetime.now(UTC).isoformat(timespec="seconds"))
            self.write_state()

    def _stop_schedules(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop(self.config.stop_grace)

    def _stop_queues(self) -> None:
        if self.runner is not None:
            self.runner.stop(self.config.stop_grace)

    def _stop_web(self) -> None:
        if self.web is not None:
            self.web.stop()

    def _stopping_hooks(self) -> None:
        if self.context is not None and self.config.run_hooks:
            hooks.run_stopping(self.context)

    def __enter__(self) -> LocalRuntime:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
