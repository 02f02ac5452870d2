"""`make deploy` / `make destroy` end to end against moto. moto's CloudFormation cannot run the SAM transform
(AWS::Serverless::Function/Api), so the stack deployed here is the template minus the SAM resources and what
refers to them; CloudFront is off (moto has no CloudFront in CloudFormation). Everything else - tables,
queues, DLQs, alarms, buckets, the SNS topic, log groups, the per-function IAM roles - must be created."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib import names
from infra import deploy as d
from infra.tables import TABLE_SPECS

pytestmark = pytest.mark.integration
# moto's CloudFormation skips these with a warning; test_infra_template.py checks them in the template
MOTO_LACKS = {"AWS::CloudWatch::Alarm", "AWS::SNS::Subscription", "AWS::ApiGateway::GatewayResponse",
              "AWS::Glue::Database", "AWS::Glue::Table"}     # the Glue ones: tests/integration/test_history.py
STAGE = "test"   # the prefix the test session's models were imported with (tests/conftest.py)


def without_sam(template: dict[str, Any]) -> dict[str, Any]:
    """Drops the SAM resources (and, in merge fragments, the untyped function entries), then whatever
    refers to a dropped resource, until nothing does."""
    resources = {k: v for k, v in template["Resources"].items()
                 if "Type" in v and not v["Type"].startswith("AWS::Serverless::")}
    dropped = set(template["Resources"]) - set(resources)
    while True:
        refers = {k for k, v in resources.items() if _refers_to(v, dropped)}
        if not refers:
            break
        dropped |= refers
        resources = {k: v for k, v in resources.items() if k not in refers}
    outputs = {k: v for k, v in template.get("Outputs", {}).items() if not _refers_to(v, dropped)}
    return {**template, "Resources": resources, "Outputs": outputs}


def _refers_to(value: Any, logical_ids: set[str]) -> bool:
    text = json.dumps(value)
    return any(f'"{i}"' in text or f"${{{i}" in text for i in logical_ids)


@pytest.fixture()
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import sys
    sys.path.insert(0, str(Path(__file__).parents[2]))
    from app import app
    from infra.template import merge_template
    monkeypatch.setenv("OMS_PREFIX", d.stack_name(STAGE))
    sam = tmp_path / "build" / "sam.json"
    sam.parent.mkdir()
    sam.write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09", **without_sam(merge_template(app))}))
    return sam


@pytest.fixture()
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>OMS</title>")
    (root / "assets" / "index-3f2a.js").write_text("console.log('ui')")
    return root


@pytest.fixture()
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    from moto import mock_aws
    with mock_aws():
        yield d.session("us-east-1")


def test_given_the_template_without_sam_when_deployed_then_every_resource_is_created_and_the_ui_synced(
        aws: Any, packaged: Path, dist: Path) -> None:
    out = d.deploy(STAGE, aws, alarm_email="ops@example.com", cdn=False, build_ui=False,
                   packager=lambda stage, out_dir: packaged, ui_dist=dist)

    expected = without_sam(json.loads(packaged.read_text()))["Resources"]
    pages = aws.client("cloudformation").get_paginator("list_stack_resources").paginate(StackName=d.stack_name(STAGE))
    created = {r["LogicalResourceId"] for page in pages for r in page["StackResourceSummaries"]
               if r.get("ResourceStatus") == "CREATE_COMPLETE"}
    assert created >= {k for k, v in expected.items() if "Condition" not in v and v["Type"] not in MOTO_LACKS}
    ddb = aws.client("dynamodb")
    assert {names.table_name(k) for k in TABLE_SPECS} <= set(ddb.list_tables()["TableNames"])
    queue_urls = " ".join(aws.client("sqs").list_queues()["QueueUrls"])
    assert all(names.dlq_name(k) in queue_urls and names.queue_name(k) in queue_urls for k in names.QUEUES)
    groups = aws.client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    assert groups and all(g.get("retentionInDays") == 30 for g in groups)
    roles = {r["RoleName"] for r in aws.client("iam").list_roles()["Roles"]}
    assert len(roles) >= len([v for v in expected.values() if v["Type"] == "AWS::IAM::Role"]) > 1
    assert aws.client("sns").list_topics()["Topics"]
    s3 = aws.client("s3")
    index = s3.get_object(Bucket=out["UiBucketName"], Key="index.html")
    asset = s3.get_object(Bucket=out["UiBucketName"], Key="assets/index-3f2a.js")
    config = s3.get_object(Bucket=out["UiBucketName"], Key="config.json")
    assert (index["ContentType"], index["CacheControl"]) == ("text/html", d.NO_CACHE)
    assert (asset["ContentType"], asset["CacheControl"]) == ("text/javascript", d.IMMUTABLE)
    assert json.loads(config["Body"].read()) == {"apiBase": ""}   # no API Gateway without SAM
    assert aws.client("ssm").get_parameter(Name=f"/{d.stack_name(STAGE)}/jwt-secret", WithDecryption=True)


def test_given_a_deployed_ui_when_synced_again_then_stale_files_are_removed(
        aws: Any, packaged: Path, dist: Path) -> None:
    out = d.deploy(STAGE, aws, cdn=False, build_ui=False, packager=lambda s, o: packaged, ui_dist=dist)
    (dist / "assets" / "index-3f2a.js").unlink()
    (dist / "assets" / "index-9c1b.js").write_text("console.log('v2')")

    d.sync_dir(aws.client("s3"), out["UiBucketName"], dist)

    keys = set(d._keys(aws.client("s3"), out["UiBucketName"]))
    assert keys == {"index.html", "config.json", "assets/index-9c1b.js"}


def test_given_a_deployed_stage_when_destroyed_with_purge_then_the_stack_and_its_data_are_gone(
        aws: Any, packaged: Path, dist: Path) -> None:
    d.deploy(STAGE, aws, cdn=False, build_ui=False, packager=lambda s, o: packaged, ui_dist=dist)

    d.destroy(STAGE, aws, purge_data=True)

    assert d.outputs(aws.client("cloudformation"), d.stack_name(STAGE), missing=None) is None
    tables = set(aws.client("dynamodb").list_tables()["TableNames"])
    assert not tables & {names.table_name(k) for k in TABLE_SPECS}
    buckets = [b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]]
    assert [b for b in buckets if "artifacts" not in b] == []


def test_given_no_admin_when_first_admin_runs_twice_then_one_password_is_printed_once(aws: Any) -> None:
    from tests.aws import create_tables
    create_tables(("users",))

    password = d.first_admin(STAGE)
    again = d.first_admin(STAGE)

    from chalicelib.services.users import check_password_policy
    assert password and again is None
    check_password_policy(password, "admin")
