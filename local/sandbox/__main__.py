"""`python -m local.sandbox`: every platform's sandbox gateway on loopback with a demo shop each, and
orders in the last day; prints the gateways and credentials as JSON. Ctrl-C stops."""
from __future__ import annotations

import argparse
import json
import threading
from datetime import datetime, timedelta

from local.sandbox.core import SHANGHAI
from local.sandbox.registry import describe, start_all


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m local.sandbox", description=__doc__)
    parser.add_argument("--orders", type=int, default=50, help="orders per demo shop")
    parser.add_argument("--any-port", action="store_true", help="free ports instead of 8761-8767")
    args = parser.parse_args()
    running = start_all(any_port=args.any_port)
    now = datetime.now(SHANGHAI)
    for r in running:
        r.sandbox.generate_orders(r.shop.seller_id, args.orders, now - timedelta(days=1), now)
    print(json.dumps({r.platform: describe(r) for r in running}, ensure_ascii=False, indent=2), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        for r in running:
            r.server.stop()


if __name__ == "__main__":
    main()
