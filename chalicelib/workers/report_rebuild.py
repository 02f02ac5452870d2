"""The report rebuild as a command (an entry point, as the Lambda handlers are: it may use the composition
root): `python -m chalicelib.workers.report_rebuild --from 2026-12-01 --to 2026-12-07 [--stage prod]`, or
`... --counters [--stage prod]`: the workbench counters' shop totals from every order (after an upgrade from
the counters written with each order, or to repair them).
The use case is services/report_rebuild.py."""
from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence
from datetime import date

from chalicelib import bootstrap
from chalicelib.services.report_rebuild import rebuild, rebuild_counters


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Recompute the report aggregates of a date range from the orders")
    parser.add_argument("--from", dest="first", type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--counters", action="store_true",
                        help="recompute the workbench counters' shop totals from every order instead")
    parser.add_argument("--stage", help="the stage's resource prefix (OMS_PREFIX), e.g. qihang-oms-prod")
    args = parser.parse_args(argv)
    if not args.counters and (args.first is None or args.last is None):
        parser.error("--from and --to are required (or --counters)")
    if not args.counters and (args.last < args.first or (args.last - args.first).days > 366):
        parser.error("--to must be on or after --from, at most 366 days later")
    if args.stage:
        os.environ["OMS_PREFIX"] = args.stage
    logging.basicConfig(level=logging.INFO)
    deps = bootstrap.report_fold_deps(owner="rebuild")
    shop_ids = [shop.shop_id for shop in bootstrap.shops().all()]
    done = rebuild_counters(deps, shop_ids) if args.counters else rebuild(deps, shop_ids, args.first, args.last)
    print(f"{done.orders} orders, {done.aggregates} aggregates rewritten")


if __name__ == "__main__":
    main()
