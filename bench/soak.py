"""The local runtime over hours: `python -m local` with the demo at `--tick-scale 60` (a platform hour a
minute) and a steady ERP client taking, acknowledging and shipping the orders through the signed ERP API.
Every minute: the runtime's RSS; every few seconds: the depth of every queue. At the end: SIGTERM and the
time the process takes to exit.

Targets (reported, and the exit status says whether they held): the last half of the run grows the RSS
by <= 5 %, the peak stays <= 400 MB, and the pull backlog returns to zero between ticks: every pull tick
after the first minute finds each shop's streams free (their previous jobs done) and queues a job for
every one of them. The runtime's log says what each tick queued ("pull jobs enqueued"); a stream whose
previous job is still queued or running gets none (the pending marks), so a tick that queued fewer
than shops x streams jobs is a tick the backlog had not drained by.

Usage: python -m bench.soak [--minutes 60] [--tick-scale 60] [--write-readme]"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import httpx

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = Path(__file__).with_name("soak.json")
START, END = "<!-- soak:start -->", "<!-- soak:end -->"
GROWTH_TARGET, PEAK_TARGET_MB = 5.0, 400.0
CARRIER = "ZTO"                      # a carrier every platform's mapping trusts


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Erp:
    """An ERP client speaking the signed ERP API (the recipe of the OpenAPI document's description)."""

    def __init__(self, base_url: str, key_id: str, secret: str) -> None:
        self.key_id, self.secret = key_id, secret
        self.http = httpx.Client(base_url=base_url, trust_env=False, timeout=30)
        self.taken = self.shipped = self.errors = self.linked = 0

    def call(self, method: str, path: str, body: Any) -> httpx.Response:
        raw = json.dumps(body).encode()
        ts, nonce = str(int(time.time())), secrets.token_hex(12)
        message = "\n".join((method, path, ts, nonce, hashlib.sha256(raw).hexdigest()))
        signature = hmac.new(self.secret.encode(), message.encode(), hashlib.sha256).hexdigest()
        return self.http.request(method, path, content=raw, headers={
            "X-OMS-Key": self.key_id, "X-OMS-Timestamp": ts, "X-OMS-Nonce": nonce,
            "X-OMS-Signature": signature, "Content-Type": "application/json"})

    def round(self) -> None:
        page = self.call("POST", "/erp/v1/orders/take", {"limit": 20})
        if page.status_code != 200:
            self.errors += 1
            return
        for order in page.json()["items"]:
            self.taken += 1
            order_id = order["order_id"]
            acked = self.call("POST", f"/erp/v1/orders/{order_id}/ack", {"erp_order_id": f"SO-{order_id}"})
            posted = self.call("POST", "/erp/v1/shipments", {
                "order_id": order_id, "carrier_code": CARRIER,
                "tracking_no": f"ZT{secrets.randbelow(10 ** 12):012d}", "lines": []})
            if acked.status_code == 200 and posted.status_code in (200, 201):
                self.shipped += 1
            else:
                self.errors += 1


def start_runtime(state_dir: Path, tick_scale: float, log_file: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OMS_SANDBOX_PORTS": "any", "PYTHONUNBUFFERED": "1"}
    env.pop("OMS_PREFIX", None)
    with log_file.open("wb") as log:
        return subprocess.Popen([sys.executable, "-m", "local", "--state-dir", str(state_dir), "--reset",
                                 "--port", "0", "--moto-port", "0", "--tick-scale", str(tick_scale)],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(proc: subprocess.Popen[bytes], state_dir: Path, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the runtime exited with {proc.returncode}")
        try:
            state: dict[str, Any] = json.loads((state_dir / "local.json").read_text())
            if state.get("pid") == proc.pid and state.get("status") == "running" and "sandbox" in state:
                return state
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise TimeoutError("the runtime did not get ready")


def admin_session(state: dict[str, Any]) -> httpx.Client:
    admin = httpx.Client(base_url=state["api"], trust_env=False, timeout=30)
    token = admin.post("/admin/auth/login", json={"username": state["admin"]["username"],
                                                  "password": state["admin"]["password"]}).json()["token"]
    admin.headers["Authorization"] = f"Bearer {token}"
    return admin


def erp_client(state: dict[str, Any], admin: httpx.Client) -> Erp:
    made = admin.post("/admin/erp/clients", json={"name": "soak ERP", "scopes": ["orders", "shipments"]})
    made.raise_for_status()
    return Erp(state["api"], made.json()["client"]["key_id"], made.json()["secret"])


def link_new_skus(state: dict[str, Any], admin: httpx.Client) -> int:
    """What a seller does once: each shop SKU the catalog pull found gets an ERP SKU (stocked) and a link,
    so the held orders become ready for the ERP (the demo's orders wait on unlinked SKUs). Orders of SKUs
    the sandbox's catalog does not list stay held: the ERP takes the others."""
    linked = 0
    for shop in state["sandbox"].values():
        page = admin.get(f"/admin/shops/{shop['shop_id']}/skus", params={"unlinked": "true", "limit": 100})
        for sku in page.json().get("items", []) if page.status_code == 200 else []:
            code = "SOAK-" + hashlib.sha1(f"{shop['shop_id']}/{sku['platform_sku_id']}".encode()).hexdigest()[:12]
            if admin.post("/admin/erp-skus", json={"sku_code": code, "name": code}).status_code == 200:
                admin.post(f"/admin/stock/{code}/adjust", json={"delta": 1_000_000, "reason": "soak: stocked",
                                                                 "idempotency_key": f"soak-{code}"})
            done = admin.put(f"/admin/shops/{shop['shop_id']}/skus/{sku['platform_sku_id']}/links",
                             json={"links": [{"sku_code": code}]})
            linked += done.status_code == 200
    return linked


class QueueWatch:
    """Depth (visible + in flight) of every queue, every `every` seconds. Not more often: moto counts a
    queue's messages by walking them, and the watch itself would be load (the backlog is measured in
    ticks, from the runtime's log)."""

    def __init__(self, state: dict[str, Any], every: float = 10.0) -> None:
        self.sqs = boto3.client("sqs", endpoint_url=state["moto"], region_name=state["region"],
                                aws_access_key_id="testing", aws_secret_access_key="testing")
        self.urls = {logical: q["url"] for logical, q in state["resources"]["queues"].items()}
        self.every = every
        self.samples: list[tuple[float, dict[str, int]]] = []

    def depth(self) -> dict[str, int]:
        out = {}
        for logical, url in self.urls.items():
            a = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
            out[logical] = int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])
        return out

    def loop(self, stop: threading.Event) -> None:
        while not stop.wait(self.every):
            try:
                self.samples.append((time.monotonic(), self.depth()))
            except Exception:       # the emulator is busy or going away: a missed sample
                continue


WARM_UP_S = 60.0       # the first pulls read a day back and the demo's first orders arrive: not steady state
PULL_DONE = re.compile(r'"message":"pull done","timestamp":"([^"]+)"')
TICK_LINE = re.compile(r'"message":"pull jobs enqueued","timestamp":"([^"]+)".*?"jobs":(\d+)')


def pull_ticks(log_file: Path) -> list[tuple[datetime, int]]:
    """(when, jobs queued) for every pull tick the runtime logged."""
    out = []
    for line in log_file.read_text(errors="replace").splitlines():
        found = TICK_LINE.search(line)
        if found:
            out.append((datetime.strptime(found[1], "%Y-%m-%d %H:%M:%S,%f%z"), int(found[2])))
    return out


def pull_rate(log_file: Path, warm_up_s: float = WARM_UP_S) -> float:
    """Pull jobs finished per second of wall time after the warm-up: while the backlog never drains they
    run back to back, so this is what the box can do; 7 shops x 2 streams every 120 / scale seconds."""
    done = [datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f%z") for m in
            (PULL_DONE.search(line) for line in log_file.read_text(errors="replace").splitlines()) if m]
    steady = [at for at in done if (at - done[0]).total_seconds() >= warm_up_s] if done else []
    span = (steady[-1] - steady[0]).total_seconds() if len(steady) > 1 else 0.0
    return round((len(steady) - 1) / span, 2) if span else 0.0


def drained_ticks(ticks: list[tuple[datetime, int]], streams: int, warm_up_s: float = WARM_UP_S) -> tuple[int, int]:
    """(ticks after the warm-up, those that found every stream free)."""
    if not ticks:
        return 0, 0
    steady = [jobs for at, jobs in ticks if (at - ticks[0][0]).total_seconds() >= warm_up_s]
    return len(steady), sum(jobs >= streams for jobs in steady)


def _pull_queue(names: list[str]) -> str:
    return next((n for n in names if "pull" in n.lower() and "dlq" not in n.lower()), "")


def run(minutes: float, tick_scale: float) -> dict[str, Any]:
    state_dir = Path(tempfile.mkdtemp(prefix="oms-soak-"))
    log_file = state_dir / "runtime.log"
    proc = start_runtime(state_dir, tick_scale, log_file)
    stop = threading.Event()
    try:
        state = wait_ready(proc, state_dir)
        admin = admin_session(state)
        erp, watch = erp_client(state, admin), QueueWatch(state)
        threads = [threading.Thread(target=watch.loop, args=(stop,), daemon=True),
                   threading.Thread(target=_erp_loop, args=(erp, stop, state, admin), daemon=True)]
        for t in threads:
            t.start()
        started, rss = time.monotonic(), [(0.0, rss_mb(proc.pid))]
        while time.monotonic() - started < minutes * 60:
            time.sleep(min(60.0, started + minutes * 60 - time.monotonic()) if minutes < 1 else 60.0)
            if proc.poll() is not None:
                raise RuntimeError(f"the runtime exited with {proc.returncode} during the soak")
            rss.append((round((time.monotonic() - started) / 60, 1), rss_mb(proc.pid)))
            print(f"soak {rss[-1][0]} min: {rss[-1][1]} MB, ERP took {erp.taken}, shipped {erp.shipped}, "
                  f"queues {watch.samples[-1][1] if watch.samples else {}}", flush=True)
        cpu = cpu_seconds(proc.pid)
        stop.set()
        for t in threads:
            t.join(30)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
        exit_s = round(time.monotonic() - t0, 2)
    finally:
        stop.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    streams = 2 * len(state["sandbox"])          # orders and after-sales per demo shop
    result = summarise(minutes, tick_scale, rss, watch, erp, exit_s, cpu, drained_ticks(pull_ticks(log_file), streams))
    result["pulls_per_s"] = pull_rate(log_file)
    # a tick every 120 / scale seconds queues `streams` jobs: the scale at which the pulls just keep up
    result["sustained_tick_scale"] = round(result["pulls_per_s"] * 120 / streams, 1)
    return result


def _erp_loop(erp: Erp, stop: threading.Event, state: dict[str, Any], admin: httpx.Client) -> None:
    rounds = 0
    while not stop.wait(5.0):
        try:
            if rounds % 6 == 0:
                erp.linked += link_new_skus(state, admin)
            rounds += 1
            erp.round()
        except httpx.HTTPError:
            erp.errors += 1


def summarise(minutes: float, tick_scale: float, rss: list[tuple[float, float]], watch: QueueWatch, erp: Erp,
              exit_s: float, cpu: float, ticks: tuple[int, int] = (0, 0)) -> dict[str, Any]:
    mid = rss[len(rss) // 2][1]
    growth = round((rss[-1][1] - mid) / mid * 100, 1) if mid else 0.0
    pull = _pull_queue(list(watch.urls))
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "minutes": minutes, "tick_scale": tick_scale,
            "rss_mb": rss, "peak_rss_mb": max(r for _, r in rss), "last_half_growth_pct": growth,
            "pull_queue": pull, "pull_ticks": ticks[0], "pull_ticks_drained": ticks[1],
            "max_depth": {q: max((s[q] for _, s in watch.samples), default=0) for q in watch.urls},
            "erp_taken": erp.taken, "erp_shipped": erp.shipped, "erp_errors": erp.errors, "skus_linked": erp.linked,
            "sigterm_exit_s": exit_s, "cpu_s": round(cpu, 1),
            "ok": growth <= GROWTH_TARGET and max(r for _, r in rss) <= PEAK_TARGET_MB and ticks[0] > 0
            and ticks[0] == ticks[1]}


def render(r: dict[str, Any]) -> str:
    series = ", ".join(f"{int(m)}: {mb}" for m, mb in r["rss_mb"])
    return "\n".join([
        f"Soak (`make soak`, {r['date']}, {r['minutes']} min at `--tick-scale {r['tick_scale']:g}` with the demo "
        f"and an ERP client taking and shipping orders every 5 s; this 2-core box, shared):", "",
        "| what | measured | target |", "|---|---|---|",
        f"| RSS of the runtime process, last half of the run | {r['last_half_growth_pct']} % growth | <= 5 % |",
        f"| peak RSS | {r['peak_rss_mb']} MB | <= 400 MB |",
        f"| pull ticks that found every stream's previous job done (backlog back to zero), after the first "
        f"minute | {r['pull_ticks_drained']} of {r['pull_ticks']} | all |",
        f"| deepest queues | {', '.join(f'{q} {d}' for q, d in r['max_depth'].items() if d)} | |",
        f"| orders the ERP took / shipped | {r['erp_taken']} / {r['erp_shipped']} ({r['erp_errors']} errors) | |",
        f"| pull jobs done per second after the first minute (x60 queues 7 shops x 2 streams every 2 s: 7 a "
        f"second) | {r.get('pulls_per_s', '-')} (enough for about `--tick-scale "
        f"{r.get('sustained_tick_scale', '-')}`) | 7 |",
        f"| CPU time of the runtime process | {r['cpu_s']} s in {r['minutes']:g} min | |",
        f"| SIGTERM to exit | {r['sigterm_exit_s']} s | <= 5 s |", "",
        f"RSS by minute (MB): {series}."])


def write_readme(block: str, readme: Path = README) -> None:
    text = readme.read_text()
    readme.write_text(re.sub(f"{re.escape(START)}.*?{re.escape(END)}", f"{START}\n{block}\n{END}", text, flags=re.S))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--tick-scale", type=float, default=60)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    result = run(args.minutes, args.tick_scale)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    block = render(result)
    print(block)
    if args.write_readme:
        write_readme(block)
    sys.exit(0 if result["ok"] else 1)
