"""The local runtime provisions exactly what infra/ defines for AWS, and provisioning twice changes nothing."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.runtime.cfn import Pseudo
from local.runtime.provision import Provisioned, provision
from tests.local_kit import moto_emulator

pytestmark = pytest.mark.integration
PREFIX = "qihang-oms-provtest"


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from moto_emulator(monkeypatch, PREFIX)


def _template() -> dict[str, Any]:
    from infra.template import resources
    return resources()


def _by_type(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in template.items() if v["Type"] == rtype}


def _schema(keys: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(k["AttributeName"], k["KeyType"]) for k in keys]


def _run(endpoint: str) -> Provisioned:
    return provision(_template(), endpoint, Pseudo(stack_name=PREFIX))


def test_GIVEN_infra_template_WHEN_provisioned_THEN_every_table_exists_with_its_keys_indexes_ttl_and_stream(
        emulator: str) -> None:
    _run(emulator)
    ddb = boto3.client("dynamodb")
    tables = _by_type(_template(), "AWS::DynamoDB::Table")
    assert set(ddb.list_tables()["TableNames"]) == {p["TableName"] for p in tables.values()}
    for props in tables.values():
        desc = ddb.describe_table(TableName=props["TableName"])["Table"]
        assert _schema(desc["KeySchema"]) == _schema(props["KeySchema"])
        want = {i["IndexName"]: _schema(i["KeySchema"]) for i in props.get("GlobalSecondaryIndexes", [])}
        have = {i["IndexName"]: _schema(i["KeySchema"]) for i in desc.get("GlobalSecondaryIndexes", [])}
        assert have == want, props["TableName"]
        assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        ttl = ddb.describe_time_to_live(TableName=props["TableName"])["TimeToLiveDescription"]
        if "TimeToLiveSpecification" in props:
            assert ttl["TimeToLiveStatus"] == "ENABLED"
            assert ttl["AttributeName"] == props["TimeToLiveSpecification"]["AttributeName"]
        else:
            assert ttl["TimeToLiveStatus"] == "DISABLED"
        stream = desc.get("StreamSpecification", {})
        if "StreamSpecification" in props:
            assert stream == {"StreamEnabled": True,
                              "StreamViewType": props["StreamSpecification"]["StreamViewType"]}
        else:
            assert not stream.get("StreamEnabled")


def test_GIVEN_infra_template_WHEN_provisioned_THEN_queues_have_their_dlq_redrive_fifo_and_visibility(
        emulator: str) -> None:
    result = _run(emulator)
    sqs = boto3.client("sqs")
    template = _template()
    queues = _by_type(template, "AWS::SQS::Queue")
    assert {u.rsplit("/", 1)[-1] for u in sqs.list_queues()["QueueUrls"]} == {
        p["QueueName"] for p in queues.values()}
    redriven = 0
    for logical, props in queues.items():
        url = sqs.get_queue_url(QueueName=props["QueueName"])["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert result.queues[logical]["url"] == url
        assert result.queues[logical]["arn"] == attrs["QueueArn"]
        assert (attrs.get("FifoQueue") == "true") == bool(props.get("FifoQueue"))
        assert attrs["VisibilityTimeout"] == str(props.get("VisibilityTimeout", 30))
        if "MessageRetentionPeriod" in props:
            assert attrs["MessageRetentionPeriod"] == str(props["MessageRetentionPeriod"])
        if "RedrivePolicy" in props:
            redriven += 1
            dlq_logical = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            dlq_name = queues[dlq_logical]["QueueName"]
            policy = json.loads(attrs["RedrivePolicy"])
            assert policy["deadLetterTargetArn"] == f"arn:aws:sqs:us-east-1:123456789012:{dlq_name}"
            assert int(policy["maxReceiveCount"]) == props["RedrivePolicy"]["maxReceiveCount"]
        else:
            assert "RedrivePolicy" not in attrs
    assert redriven > 0


def test_GIVEN_infra_template_WHEN_provisioned_THEN_buckets_resolve_fn_sub_and_the_key_exists(
        emulator: str) -> None:
    result = _run(emulator)
    s3 = boto3.client("s3")
    buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert buckets == {f"{PREFIX}-raw-123456789012", f"{PREFIX}-ui-123456789012",
                       f"{PREFIX}-images-123456789012"}     # the goods library's images (presigned POSTs)
    assert {b["name"] for b in result.buckets.values()} == buckets
    rules = s3.get_bucket_encryption(Bucket=f"{PREFIX}-raw-123456789012")[
        "ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=f"{PREFIX}-ui-123456789012")["PublicAccessBlockConfiguration"]
    assert all(block.values())   # the UI is served through CloudFront's origin access, never publicly
    kms = boto3.client("kms")
    key_id = result.keys["SecretsKey"]["id"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Enabled"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
    template = _template()
    alarms = {k for k, v in template.items() if v["Type"] == "AWS::CloudWatch::Alarm"}
    assert set(result.skipped) == alarms
    handled = {"AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::S3::Bucket", "AWS::KMS::Key"}
    assert set(result.created) == {k for k, v in template.items() if v["Type"] in handled}


def test_GIVEN_provisioned_resources_WHEN_provisioned_again_THEN_nothing_is_created_and_names_are_stable(
        emulator: str) -> None:
    first = _run(emulator)
    ddb = boto3.client("dynamodb")
    table = first.tables["OrdersTable"]["name"]
    ddb.put_item(TableName=table, Item={"order_id": {"S": "o-1"}})
    second = _run(emulator)
    assert second.created == []
    assert second.as_json() == first.as_json()
    kms = boto3.client("kms")   # (moto adds its own AWS-managed key for DynamoDB SSE: count ours)
    ours = [k for k in kms.list_keys()["Keys"]
            if kms.list_resource_tags(KeyId=k["KeyId"])["Tags"]]
    assert [k["KeyId"] for k in ours] == [first.keys["SecretsKey"]["id"]]
    assert ddb.get_item(TableName=table, Key={"order_id": {"S": "o-1"}}).get("Item")


def test_GIVEN_an_existing_table_WHEN_infra_adds_an_index_THEN_only_the_index_is_added(emulator: str) -> None:
    template = _template()
    props = template["UsersTable"]["Properties"]
    provision({"UsersTable": template["UsersTable"]}, emulator, Pseudo(stack_name=PREFIX))
    grown = json.loads(json.dumps(template["UsersTable"]))
    grown["Properties"]["AttributeDefinitions"].append({"AttributeName": "email", "AttributeType": "S"})
    existing = [i["IndexName"] for i in props.get("GlobalSecondaryIndexes", [])]
    grown["Properties"].setdefault("GlobalSecondaryIndexes", []).append({"IndexName": "by_email", "KeySchema": [
        {"AttributeName": "email", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}})
    result = provision({"UsersTable": grown}, emulator, Pseudo(stack_name=PREFIX))
    assert result.created == []
    desc = boto3.client("dynamodb").describe_table(TableName=props["TableName"])["Table"]
    assert [i["IndexName"] for i in desc["GlobalSecondaryIndexes"]] == [*existing, "by_email"]



def test_GIVEN_a_saved_state_from_an_older_orders_table_WHEN_provisioned_THEN_its_indexes_follow_the_definition(
        emulator: str) -> None:
    template = _template()
    orders = next(p for p in _by_type(template, "AWS::DynamoDB::Table").values()
                  if p["TableName"].endswith("-orders"))
    new_index = orders["GlobalSecondaryIndexes"]
    on_list_at = {"by_list", "by_print"}      # an older table had neither: both key on list_at
    older = [i for i in new_index if i["IndexName"] not in on_list_at]
    old_index = {**new_index[-1], "IndexName": "by_status_created",
                 "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                               {"AttributeName": "created_at", "KeyType": "RANGE"}]}
    kept = [a for a in orders["AttributeDefinitions"] if a["AttributeName"] not in ("list_key", "list_at", "print_key")]
    # by name: an index kept from the new definition may key on created_at too (by_supplier)
    orders["AttributeDefinitions"] = list({a["AttributeName"]: a for a in [
        *kept, {"AttributeName": "status", "AttributeType": "S"},
        {"AttributeName": "created_at", "AttributeType": "S"}]}.values())
    orders["GlobalSecondaryIndexes"] = [*older, old_index]
    provision(template, emulator, Pseudo(stack_name=PREFIX))

    again = _run(emulator)
    assert sorted(again.new_indexes) == [(orders["TableName"], name) for name in sorted(on_list_at)]
    have = boto3.client("dynamodb").describe_table(TableName=orders["TableName"])["Table"]["GlobalSecondaryIndexes"]
    assert {i["IndexName"] for i in have} == {i["IndexName"] for i in new_index}
    assert _run(emulator).new_indexes == []


def test_GIVEN_the_images_bucket_WHEN_the_ui_listens_THEN_only_its_origin_may_read_the_upload_answers(
        emulator: str) -> None:
    import httpx

    from local.runtime.provision import allow_ui_origin
    result = _run(emulator)
    bucket = f"{PREFIX}-images-123456789012"
    s3 = boto3.client("s3")
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_cors(Bucket=bucket)                 # the UI's origin not known yet: no rule at all
    allow_ui_origin(_template(), emulator, Pseudo(stack_name=PREFIX), result, "http://127.0.0.1:8750/")
    [rule] = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert rule["AllowedOrigins"] == ["http://127.0.0.1:8750", "http://localhost:8750"]
    assert rule["AllowedMethods"] == ["POST"]
    grant = s3.generate_presigned_post(bucket, "goods-images/originals/x.png", ExpiresIn=60)

    def upload(origin: str) -> httpx.Response:
        return httpx.post(grant["url"], data=grant["fields"], files={"file": b"\x89PNG"}, headers={"Origin": origin},
                          trust_env=False)
    assert upload("http://127.0.0.1:8750").headers.get("access-control-allow-origin") == "http://127.0.0.1:8750"
    assert "access-control-allow-origin" not in upload("https://evil.example").headers
    preflight = httpx.options(grant["url"], headers={"Origin": "https://evil.example",
                                                     "Access-Control-Request-Method": "POST"}, trust_env=False)
    assert "access-control-allow-origin" not in preflight.headers
