"""The report rebuild as a command (an entry point, as the Lambda handlers are: it may use the composition
root): `python -m chalicelib.workers.report_rebuild --from 2026-12-01 --to 2026-12-07 [--stage prod]`.
The use case is services/report_rebuild.py."""
from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence
from datetime import date

from chalicelib import bootstrap
from chalicelib.services.report_rebuild import rebuild


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Recompute the report aggregates of a date range from the orders")
    parser.add_argument("--from", dest="first", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--stage", help="the stage's resource prefix (OMS_PREFIX), e.g. qihang-oms-prod")
    args = parser.parse_args(argv)
    if args.last < args.first or (args.last - args.first).days > 366:
        parser.error("--to must be on or after --from, at most 366 days later")
    if args.stage:
        os.environ["OMS_PREFIX"] = args.stage
    logging.basicConfig(level=logging.INFO)
    deps = bootstrap.report_fold_deps(owner="rebuild")
    done = rebuild(deps, [shop.shop_id for shop in bootstrap.shops().all()], args.first, args.last)
    print(f"{done.orders} orders, {done.aggregates} aggregates rewritten")


if __name__ == "__main__":
    main()
