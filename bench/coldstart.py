"""Cold start: what a new Lambda process pays before it answers.

1. Importing app.py against a bare chalice app (target: <= 2x).
2. A new process answering its first authenticated admin request that reads DynamoDB (the user record
   behind the JWT) against a bare boto3 handler doing the same GetItem (target: <= 1.3x).
Both run as fresh subprocesses (warm .pyc files, like a Lambda image), medians of N runs taken in turn."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

BARE_CHALICE = "from chalice import Chalice\napp = Chalice(app_name='bare')\n@app.route('/')\ndef i(): return {}"
OUR_IMPORT = "import app"

OUR_REQUEST = textwrap.dedent("""
    import json, os
    from app import app

    class LambdaContext:   # what the Lambda runtime passes; chalice.local's would add its own imports
        def __init__(self, name, memory):
            self.function_name, self.memory_limit_in_mb, self.aws_request_id = name, memory, "r1"
    event = {"resource": "/admin/auth/me", "path": "/admin/auth/me", "httpMethod": "GET",
             "headers": {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"]}, "multiValueHeaders": {},
             "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
             "stageVariables": None, "body": None, "isBase64Encoded": False,
             "requestContext": {"resourcePath": "/admin/auth/me", "httpMethod": "GET", "requestId": "r1",
                                "path": "/api/admin/auth/me", "stage": "api"}}
    out = app(event, LambdaContext("bench", 512))
    assert out["statusCode"] == 200, out
""")

BARE_BOTO3 = textwrap.dedent("""
    import os, boto3
    client = boto3.client("dynamodb")
    def handler(event, context):
        item = client.get_item(TableName=os.environ["BENCH_TABLE"], Key={"username": {"S": "bench"}},
                               ConsistentRead=True)
        return {"statusCode": 200, "body": item["Item"]["doc"]["S"]}
    assert handler({}, None)["statusCode"] == 200
""")


def _time_process(code: str, env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _interleaved(codes: dict[str, tuple[str, dict[str, str]]], runs: int) -> dict[str, float]:
    """Median ms of each code, the runs taken in turn (one of each, then again): a busy machine's load then
    weighs on all of them alike instead of on whichever ran in its worst minute (run one after the other,
    the same tree's import ratio moved from 1.70x to 2.51x between two runs here)."""
    samples: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(runs):
        for name, (code, env) in codes.items():
            samples[name].append(_time_process(code, env, 1))
    return {name: statistics.median(values) for name, values in samples.items()}


def measure(runs: int = 15) -> dict[str, Any]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    took = _interleaved({"pass": ("pass", env), "bare": (BARE_CHALICE, env), "ours": (OUR_IMPORT, env)}, runs)
    baseline = took["pass"]
    result: dict[str, Any] = {"runs": runs, "python_startup_ms": round(baseline, 1)}
    bare, ours = took["bare"] - baseline, took["ours"] - baseline
    result["import_bare_chalice_ms"] = round(bare, 1)
    result["import_app_ms"] = round(ours, 1)
    result["import_ratio"] = round(ours / bare, 2)
    result.update(_request_bench(env, runs, baseline))
    return result


def _request_bench(env: dict[str, str], runs: int, baseline: float) -> dict[str, Any]:
    import logging

    from moto.server import ThreadedMotoServer
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bench_env = {**env, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                 "AWS_DEFAULT_REGION": "us-east-1", "OMS_PREFIX": "qihang-oms-bench",
                 "JWT_SECRET": "bench-jwt-secret-not-real-0123456789abcdef"}
    try:
        token = _seed_user(bench_env)
        bench_env["BENCH_TOKEN"] = token
        bench_env["BENCH_TABLE"] = "qihang-oms-bench-users"
        took = _interleaved({"ours": (OUR_REQUEST, bench_env), "bare": (BARE_BOTO3, bench_env)}, runs)
        ours, bare = took["ours"] - baseline, took["bare"] - baseline
    finally:
        server.stop()
    return {"first_request_app_ms": round(ours, 1), "first_request_bare_boto3_ms": round(bare, 1),
            "first_request_ratio": round(ours / bare, 2)}


def _seed_user(env: dict[str, str]) -> str:
    code = textwrap.dedent("""
        import os
        from datetime import datetime, UTC
        from infra.tables import create_table_args, table_properties
        from chalicelib import names
        import boto3
        boto3.client("dynamodb").create_table(**create_table_args(table_properties("users", names.table_name("users"))))
        from chalicelib.storage.users import DynamoUserRepository
        from chalicelib.services.users import create_user
        from chalicelib.domain.users import Role
        from chalicelib.api import tokens
        user = create_user(DynamoUserRepository(), "bench", "Fake-Passw0rd-not-real", Role.VIEWER)
        print(tokens.issue(user, datetime.now(UTC))[0])
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr)
    return out.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
