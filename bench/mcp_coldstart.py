"""Cold start of /mcp: a new process (warm .pyc files, like a Lambda image) answering its first MCP
`initialize` (authenticated by an API token: the token and its user read from DynamoDB, the token's rate
window counted) against a bare boto3 handler doing one GetItem (the API's target: <= 1.3x). Also the cost of
a cold tools/list, of importing the SDK alone, and (for a fair ratio on a busy machine) the admin request
of bench/coldstart.py in the same run. Medians of N runs.

    python -m bench.mcp_coldstart [runs]"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

from bench.coldstart import BARE_BOTO3, OUR_REQUEST, ROOT, _interleaved, _time_process

MCP_REQUEST = textwrap.dedent("""
    import json, os
    from app import app

    class LambdaContext:
        def __init__(self, name, memory):
            self.function_name, self.memory_limit_in_mb, self.aws_request_id = name, memory, "r1"
    body = json.loads(os.environ["BENCH_MESSAGE"])
    headers = {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"], "Content-Type": "application/json",
               "Accept": "application/json, text/event-stream"}
    if body.get("method") != "initialize":
        headers["MCP-Protocol-Version"] = "2025-11-25"
    event = {"resource": "/mcp", "path": "/mcp", "httpMethod": "POST", "headers": headers,
             "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
             "pathParameters": None, "stageVariables": None, "body": json.dumps(body), "isBase64Encoded": False,
             "requestContext": {"resourcePath": "/mcp", "httpMethod": "POST", "requestId": "r1",
                                "path": "/api/mcp", "stage": "api"}}
    out = app(event, LambdaContext("bench", 512))
    assert out["statusCode"] == 200, out
""")
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}
TOOLS_LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
IMPORT_SDK = "import mcp.server.streamable_http_manager, mcp.server.lowlevel.server"


def measure(runs: int = 9) -> dict[str, Any]:
    import logging

    from moto.server import ThreadedMotoServer
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    baseline = _time_process("pass", env, runs)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    bench_env = {**env, "AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "bench",
                 "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
                 "OMS_PREFIX": "qihang-oms-bench", "JWT_SECRET": "bench-jwt-secret-not-real-0123456789abcdef"}
    try:
        api_token, jwt = _seed(bench_env)
        bench_env["BENCH_TOKEN"] = api_token
        bench_env["BENCH_TABLE"] = "qihang-oms-bench-users"
        codes = {"initialize": (MCP_REQUEST, {**bench_env, "BENCH_MESSAGE": json.dumps(INITIALIZE)}),
                 "tools": (MCP_REQUEST, {**bench_env, "BENCH_MESSAGE": json.dumps(TOOLS_LIST)}),
                 "admin": (OUR_REQUEST, {**bench_env, "BENCH_TOKEN": jwt}), "bare": (BARE_BOTO3, bench_env)}
        took = _interleaved(codes, runs)
    finally:
        server.stop()
    sdk = _time_process(IMPORT_SDK, env, runs) - baseline
    initialize, tools, admin, bare = (took[k] - baseline for k in ("initialize", "tools", "admin", "bare"))
    return {"runs": runs, "first_mcp_initialize_ms": round(initialize, 1), "first_mcp_tools_list_ms": round(tools, 1),
            "first_request_bare_boto3_ms": round(bare, 1), "first_admin_request_ms": round(admin, 1),
            "initialize_ratio": round(initialize / bare, 2), "admin_ratio_same_run": round(admin / bare, 2),
            "import_mcp_sdk_ms": round(sdk, 1)}


def _seed(env: dict[str, str]) -> tuple[str, str]:
    """(an API token, a sign-in JWT) of one operator."""
    code = textwrap.dedent("""
        import boto3
        from infra.tables import create_table_args, table_properties
        from chalicelib import bootstrap, names
        for key in ("users", "erp_state", "audit"):
            boto3.client("dynamodb").create_table(**create_table_args(table_properties(key, names.table_name(key))))
        from chalicelib.storage.users import DynamoUserRepository
        from chalicelib.services.users import create_user
        from chalicelib.services.api_tokens import create_token
        from chalicelib.domain.api_tokens import TokenScope
        from chalicelib.domain.users import Role
        user = create_user(DynamoUserRepository(), "bench", "Fake-Passw0rd-not-real", Role.OPERATOR)
        from chalicelib.api import tokens
        from datetime import UTC, datetime
        print(create_token(bootstrap.api_tokens(), bootstrap.clock(), bootstrap.api_token_key(), user, name="bench",
                           scope=TokenScope.READ, days=1, rate_per_minute=1000)[1])
        print(tokens.issue(user, datetime.now(UTC))[0])
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr)
    api_token, jwt = out.stdout.strip().splitlines()[-2:]
    return api_token, jwt


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 9), indent=2))
