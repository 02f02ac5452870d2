"""Least-privilege IAM: one role per Lambda function, granting only the actions its code calls on only the
resources it touches. What each function touches is declared here, explicitly; tests/integration/
test_infra_iam.py checks the declaration against the code (the tables, queues, bucket and key reachable from
the function's module) and that no statement has a "*" action or resource."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import names
from infra.tables import TABLE_SPECS

API_HANDLER = "api_handler"   # chalice's name for the one function behind API Gateway


@dataclass(frozen=True)
class Access:
    tables: frozenset[str] = frozenset()
    consumes: str | None = None              # the queue key whose event source mapping feeds the function
    sends: frozenset[str] = frozenset()      # queue keys it publishes to
    dead_letters: bool = False               # counts, peeks and redrives the DLQs (admin)
    delays: str | None = None                # changes message visibility on that queue (retry with backoff)
    raw_bucket: bool = False
    images_bucket: bool = False              # goods images: presigned POSTs, checks, thumbnails
    secrets_key: bool = True                 # envelope encryption: anything reading shops or clients needs it
    jwt_secret: bool = False


def _access(tables: str, **kw: Any) -> Access:
    sends = set(kw.pop("sends", "").split())
    if "erp_events" in sends:
        sends.add("reports")          # every ERP note is copied to the reports queue (bootstrap.publisher)
    return Access(tables=frozenset(tables.split()), sends=frozenset(sends), **kw)


FUNCTIONS: dict[str, Access] = {
    API_HANDLER: Access(tables=frozenset(TABLE_SPECS),   # the admin API: every table
                        sends=frozenset(names.QUEUES), dead_letters=True, raw_bucket=True, jwt_secret=True,
                        images_bucket=True),
    # goods: the review gate's drop-ship rule reads a SKU's supplier (chalicelib/dropship_wiring.py)
    "on_order_message": _access("orders after_sales shops shop_skus erp_skus stock sync idempotency shipments goods",
                                consumes="orders", sends="erp_events platform_actions"),
    "on_after_sale_message": _access("orders after_sales shops shop_skus erp_skus stock sync idempotency shipments "
                                     "goods",
                                     consumes="after_sales", sends="erp_events platform_actions"),
    "enqueue_pulls": _access("shops sync", sends="pull_jobs orders after_sales", raw_bucket=True),
    "on_pull_job": _access("shops sync", consumes="pull_jobs", sends="pull_jobs orders after_sales",
                           raw_bucket=True),
    # sync: the parcels (fulfilments) a confirmed shipment closes live there
    "on_platform_action": _access("orders after_sales shops shop_skus stock shipments sync",
                                  consumes="platform_actions", sends="erp_events platform_actions orders alerts"),
    "poll_taobao_messages": _access("shops idempotency", sends="orders after_sales pull_jobs"),
    "on_erp_event": _access("orders shops after_sales shipments api_clients erp_deliveries erp_state",
                            consumes="erp_events", delays="erp_events", sends="erp_events"),
    "pull_catalogs": _access("orders shops shop_skus erp_skus stock shipments sync",
                             sends="platform_actions link_jobs erp_events"),
    "on_link_job": _access("orders shops shop_skus erp_skus stock shipments sync goods", consumes="link_jobs",
                           sends="link_jobs erp_events platform_actions images"),   # pushed goods' images
    "stock_tick": _access("orders shops shop_skus erp_skus stock shipments sync",
                          sends="platform_actions link_jobs erp_events"),   # an order released: its note
    "stock_reconcile": _access("orders shops shop_skus erp_skus stock shipments sync",
                               sends="platform_actions erp_events"),
    "refresh_tokens": _access("shops", sends="alerts"),
    "on_report_note": _access("reports orders after_sales shops", consumes="reports",
                              sends="erp_events"),   # bootstrap, which it reaches, sends notes: it never does
    "on_image_message": _access("", consumes="images", images_bucket=True, secrets_key=False),
    # the deliveries' repository shares storage/erp.py with the ERP hand-off queue (orders, cases, clients)
    "on_alert": _access("orders shops after_sales api_clients erp_deliveries erp_state", consumes="alerts",
                        delays="alerts"),
    # reads only; bootstrap.orders() is the noting repository, whose writes would send erp_events notes
    "alerts_tick": _access("shops orders after_sales api_clients erp_deliveries erp_state",
                           sends="alerts erp_events", dead_letters=True),
    "on_export_job": _access("orders after_sales shipments stock erp_skus shops sync audit", consumes="exports",
                             raw_bucket=True),     # files under exports/ in the private data bucket
    "write_daily_history": _access("orders after_sales shops", raw_bucket=True, secrets_key=False),  # history/
    "refresh_tracking": _access("orders shipments shops waybill_accounts waybills stock sync",
                                sends="erp_events platform_actions orders"),
}

_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                  "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                  "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"]   # pynamodb describes on first use
_CONSUME_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
_SEND_ACTIONS = ["sqs:SendMessage", "sqs:GetQueueUrl"]
_DLQ_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                "sqs:ChangeMessageVisibility"]


def function_name(name: str) -> str:
    """Explicit names (chalice's own convention) so log groups and alarms can name them without a cycle."""
    return names.prefix() if name == API_HANDLER else f"{names.prefix()}-{name}"


def log_group_name(name: str) -> str:
    return f"/aws/lambda/{function_name(name)}"


def role_logical_id(cfn_function: str) -> str:
    return f"{cfn_function}Role"


def role(name: str, access: Access, cfn: Any) -> dict[str, Any]:
    """The AWS::IAM::Role of one function; `cfn(key, suffix)` gives a logical id (infra.template.cfn_name)."""
    statements = [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                   "Resource": [_arn("logs", f"log-group:{log_group_name(name)}:*")]}]
    if access.tables:
        statements.append({"Effect": "Allow", "Action": _TABLE_ACTIONS,
                           "Resource": _table_resources(sorted(access.tables), cfn)})
    if access.consumes:
        statements.append({"Effect": "Allow", "Action": _CONSUME_ACTIONS,
                           "Resource": [_queue_arn(access.consumes, cfn)]})
    if access.sends:
        statements.append({"Effect": "Allow", "Action": _SEND_ACTIONS,
                           "Resource": [_queue_arn(k, cfn) for k in sorted(access.sends)]})
    if access.delays:
        statements.append({"Effect": "Allow", "Action": ["sqs:ChangeMessageVisibility", "sqs:GetQueueUrl"],
                           "Resource": [_queue_arn(access.delays, cfn)]})
    if access.dead_letters:
        statements.append({"Effect": "Allow", "Action": _DLQ_ACTIONS,
                           "Resource": [{"Fn::GetAtt": [cfn(k, "Dlq"), "Arn"]} for k in names.QUEUES]})
    if access.raw_bucket:
        statements.append({"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
                           "Resource": [{"Fn::Sub": "${RawBucket.Arn}/*"}]})
    if access.images_bucket:
        statements.append({"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                           "Resource": [{"Fn::Sub": "${ImagesBucket.Arn}/goods-images/*"}]})
    if access.secrets_key:
        statements.append({"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                           "Resource": [{"Fn::GetAtt": ["SecretsKey", "Arn"]}]})
    if access.jwt_secret:
        statements.append({"Effect": "Allow", "Action": ["ssm:GetParameter"],
                           "Resource": [_arn("ssm", f"parameter/{names.prefix()}/jwt-secret")]})
    return {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": f"{name}-least-privilege",
                      "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]}}


# tables a table's users always need beside it (none since the order writes stopped carrying the counters:
# the reports consumer folds them, chalicelib/storage/order_counters.py)
_COMPANIONS: dict[str, tuple[str, ...]] = {}


def _table_resources(tables: list[str], cfn: Any) -> list[Any]:
    out: list[Any] = []
    wanted = sorted({*tables, *(c for key in tables for c in _COMPANIONS.get(key, ()))})
    for key in wanted:
        if key not in TABLE_SPECS:    # declared ahead of its table spec (tables being added in parallel)
            continue
        logical = cfn(key, "Table")
        out.append({"Fn::GetAtt": [logical, "Arn"]})
        out += [{"Fn::Sub": f"${{{logical}.Arn}}/index/{index}"} for index in TABLE_SPECS[key][2]]
    return out


def _queue_arn(key: str, cfn: Any) -> dict[str, Any]:
    return {"Fn::GetAtt": [cfn(key, "Queue"), "Arn"]}


def _arn(service: str, resource: str) -> dict[str, Any]:
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"}
