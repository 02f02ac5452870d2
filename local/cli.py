"""`oms`: the admin API from a terminal. Finds the local runtime through its state file (or --url with
OMS_USER / OMS_PASSWORD for a deployed stage), signs in, and calls the repair and health routes."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx


def _target(args: argparse.Namespace) -> tuple[str, str, str]:
    if args.url:
        return args.url.rstrip("/"), os.environ.get("OMS_USER", "admin"), os.environ.get("OMS_PASSWORD", "")
    state = json.loads(Path(args.state_dir, "local.json").read_text())
    admin = state.get("admin", {})
    return state["api"].rstrip("/"), admin.get("username", "admin"), admin.get("password", "")


def _session(args: argparse.Namespace) -> httpx.Client:
    url, user, password = _target(args)
    client = httpx.Client(base_url=url, timeout=30, trust_env=False)
    if args.command != "health":
        login = client.post("/admin/auth/login", json={"username": user, "password": password})
        login.raise_for_status()
        client.headers["Authorization"] = f"Bearer {login.json()['token']}"
    return client


def _call(client: httpx.Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    response = client.request(method, path, json=body)
    if response.status_code >= 400:
        sys.exit(f"{response.status_code}: {response.text}")
    return response.json()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="oms", description=__doc__)
    parser.add_argument("--state-dir", default=".state")
    parser.add_argument("--url", help="a deployed API instead of the local runtime")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("health")
    sub.add_parser("sync-health", help="per shop and stream: watermark, lag, errors, today's counts")
    p = sub.add_parser("pull-order", help="pull one order by its platform number")
    p.add_argument("shop_id")
    p.add_argument("order_no")
    p = sub.add_parser("resync", help="re-pull a shop over a date range (one job per day)")
    p.add_argument("shop_id")
    p.add_argument("stream", choices=["orders", "after_sales"])
    p.add_argument("start", help="ISO 8601 with offset, e.g. 2026-09-01T00:00:00+08:00")
    p.add_argument("end")
    p = sub.add_parser("sync-now")
    p.add_argument("shop_id")
    sub.add_parser("dlq", help="messages waiting in each dead-letter queue")
    p = sub.add_parser("redrive", help="move a dead-letter queue's messages back to their queue")
    p.add_argument("queue")
    p = sub.add_parser("orders")
    p.add_argument("--shop")
    p.add_argument("--status")
    p.add_argument("--limit", default="20")
    args = parser.parse_args(argv)
    client = _session(args)
    result = {
        "health": lambda: _call(client, "GET", "/health"),
        "sync-health": lambda: _call(client, "GET", "/admin/sync"),
        "pull-order": lambda: _call(client, "POST", "/admin/repair/pull-order",
                                    {"shop_id": args.shop_id, "order_no": args.order_no}),
        "resync": lambda: _call(client, "POST", "/admin/repair/resync", {
            "shop_id": args.shop_id, "stream": args.stream, "start": args.start, "end": args.end}),
        "sync-now": lambda: _call(client, "POST", f"/admin/sync/{args.shop_id}/now"),
        "dlq": lambda: _call(client, "GET", "/admin/dlq"),
        "redrive": lambda: _call(client, "POST", f"/admin/dlq/{args.queue}/redrive"),
        "orders": lambda: _call(client, "GET", "/admin/orders?" + "&".join(
            f"{k}={v}" for k, v in (("shop_id", args.shop), ("status", args.status), ("limit", args.limit)) if v)),
    }[args.command]()
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
