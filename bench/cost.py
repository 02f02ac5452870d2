"""What 1M orders a month cost on AWS, from the calls per order the pipeline bench measured (bench/results.json,
written by `make bench`) times the on-demand prices below. Pure arithmetic; renders the README's cost table.

Usage: python -m bench.cost [--write-readme]"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")
README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- cost:start -->", "<!-- cost:end -->"
ORDERS = 1_000_000
SQS_BATCH = 10                 # the consumers' batch size: one invocation per ten messages at best
CONSUMER_SECONDS = 0.5         # assumed duration of one consumer invocation (not measured by the bench)
MEMORY_GB = 0.5                # lambda_memory_size in .chalice/config.json

# us-east-1 on-demand list prices in USD, read 2025-01 from aws.amazon.com/dynamodb/pricing/on-demand/,
# /sqs/pricing/, /lambda/pricing/ (x86) and /s3/pricing/ (Standard). cn-north-1 (CNY, amazonaws.cn) is to be
# filled in from www.amazonaws.cn pricing pages: not written from memory.
PRICES_US_EAST_1 = {
    "dynamodb_write_per_million": 0.625, "dynamodb_read_per_million": 0.125, "dynamodb_gb_month": 0.25,
    "sqs_fifo_per_million": 0.50, "lambda_requests_per_million": 0.20, "lambda_gb_second": 0.0000166667,
    "s3_put_per_thousand": 0.005, "s3_gb_month": 0.023,
}


def cost_rows(measured: dict[str, Any], prices: dict[str, float], orders: int = ORDERS) -> list[tuple[str, str, float]]:
    """(what, quantity per month, dollars per month)"""
    m = orders / 1_000_000
    writes, reads = measured["write_units_per_order"] * orders, measured["read_units_per_order"] * orders
    sends, puts = measured["sqs_sends_per_order"] * orders, measured["s3_puts_per_order"] * orders
    # an SQS message costs a send, a receive and a delete (each a 64 KB-chunked request)
    sqs_requests = sends * 3
    invocations = sends / SQS_BATCH
    stored_gb = measured["order_item_kb"] * orders / 1024 / 1024
    return [
        ("DynamoDB writes", f"{writes / 1e6:.2f} M WRU", writes / 1e6 * prices["dynamodb_write_per_million"]),
        ("DynamoDB reads", f"{reads / 1e6:.2f} M RRU", reads / 1e6 * prices["dynamodb_read_per_million"]),
        ("DynamoDB storage (orders, one month)", f"{stored_gb:.2f} GB", stored_gb * prices["dynamodb_gb_month"]),
        ("SQS (send + receive + delete)", f"{sqs_requests / 1e6:.2f} M requests",
         sqs_requests / 1e6 * prices["sqs_fifo_per_million"]),
        ("Lambda consumer invocations", f"{invocations / 1e6:.2f} M",
         invocations / 1e6 * prices["lambda_requests_per_million"]
         + invocations * CONSUMER_SECONDS * MEMORY_GB * prices["lambda_gb_second"]),
        ("S3 raw pages (PUT)", f"{puts / 1e3:.1f} k PUTs", puts / 1e3 * prices["s3_put_per_thousand"]),
    ] if m else []


def render(measured: dict[str, Any]) -> str:
    rows = cost_rows(measured, PRICES_US_EAST_1)
    lines = [f"Per {ORDERS:,} orders a month, us-east-1 on-demand (prices of 2025-01), from the calls per order "
             "measured by `make bench` (see above); Lambda duration assumed "
             f"{CONSUMER_SECONDS} s per batch at {MEMORY_GB} GB. API Gateway, CloudWatch and the admin UI's "
             "traffic are extra.", "", "| what | per month | USD |", "|---|---|---|"]
    lines += [f"| {what} | {qty} | {usd:.2f} |" for what, qty, usd in rows]
    lines.append(f"| **total** | | **{sum(r[2] for r in rows):.2f}** |")
    return "\n".join(lines)


def write_readme(block: str, readme: Path = README) -> None:
    text = readme.read_text()
    readme.write_text(re.sub(f"{re.escape(START)}.*?{re.escape(END)}", f"{START}\n{block}\n{END}", text, flags=re.S))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    measured = json.loads(RESULTS.read_text())["pipeline"]
    table = render(measured)
    print(table)
    if args.write_readme:
        write_readme(table)
