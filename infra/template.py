"""The AWS resources as one CloudFormation definition. `chalice package --merge-template` merges
`merge_template(app)` into the SAM output; the local runtime creates the same tables, queues and
buckets from `resources()`. One source of truth for both."""
from __future__ import annotations

import json
import sys
from typing import Any

from chalicelib import names
from infra.tables import TABLE_SPECS, table_properties

DLQ_MAX_RECEIVES = 5
DLQ_RETENTION_SECONDS = 14 * 24 * 3600


def cfn_name(key: str, suffix: str) -> str:
    return "".join(part.capitalize() for part in key.split("_")) + suffix


def resources() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in TABLE_SPECS:
        out[cfn_name(key, "Table")] = {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
                                       "UpdateReplacePolicy": "Retain",
                                       "Properties": table_properties(key, names.table_name(key))}
    for key, (fifo, timeout) in names.QUEUES.items():
        out.update(_queue_pair(key, fifo, timeout))
    out["RawBucket"] = _bucket("raw", private=True)
    out["UiBucket"] = _bucket("ui", private=False)
    out["SecretsKey"] = {"Type": "AWS::KMS::Key", "Properties": {
        "Description": "Envelope encryption of shop tokens, app secrets and buyer PII",
        "EnableKeyRotation": True,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": [{
            "Sid": "AccountAdmin", "Effect": "Allow",
            "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
            "Action": "kms:*", "Resource": "*"}]}}}
    return out


def _queue_pair(key: str, fifo: bool, consumer_timeout: int) -> dict[str, Any]:
    dlq = cfn_name(key, "Dlq")
    queue_props: dict[str, Any] = {
        "QueueName": names.queue_name(key),
        # AWS: at least 6x the function timeout, or in-flight retries overlap the next receive
        "VisibilityTimeout": 6 * consumer_timeout,
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]}, "maxReceiveCount": DLQ_MAX_RECEIVES},
        "SqsManagedSseEnabled": True,
    }
    dlq_props: dict[str, Any] = {"QueueName": names.dlq_name(key), "MessageRetentionPeriod": DLQ_RETENTION_SECONDS,
                                 "SqsManagedSseEnabled": True}
    if fifo:
        queue_props["FifoQueue"] = dlq_props["FifoQueue"] = True
    return {
        dlq: {"Type": "AWS::SQS::Queue", "Properties": dlq_props},
        cfn_name(key, "Queue"): {"Type": "AWS::SQS::Queue", "Properties": queue_props},
        cfn_name(key, "DlqAlarm"): {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "AlarmDescription": f"messages in the {key} dead-letter queue",
            "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": names.dlq_name(key)}],
            "Statistic": "Maximum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching"}},
    }


def _bucket(key: str, private: bool) -> dict[str, Any]:
    props: dict[str, Any] = {
        "BucketName": {"Fn::Sub": f"{names.bucket_name(key)}-${{AWS::AccountId}}"},
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
    }
    if private:
        props["LifecycleConfiguration"] = {"Rules": [{"Id": "raw-to-infrequent-access", "Status": "Enabled",
                                                      "Transitions": [{"StorageClass": "STANDARD_IA",
                                                                       "TransitionInDays": 30}]}]}
    else:
        props["WebsiteConfiguration"] = {"IndexDocument": "index.html", "ErrorDocument": "index.html"}
    return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": props}


def merge_template(app: Any) -> dict[str, Any]:
    """What `chalice package --merge-template` deep-merges into its SAM output: our resources, and per
    function the environment and, for SQS consumers, ReportBatchItemFailures (chalice cannot set it:
    aws/chalice#2029; without it a returned batchItemFailures is silently ignored)."""
    from chalice.app import SQSEventConfig
    from chalice.utils import to_cfn_resource_name

    env = {"OMS_PREFIX": names.prefix(),
           "RAW_BUCKET": {"Fn::Sub": f"{names.bucket_name('raw')}-${{AWS::AccountId}}"},
           "SECRETS_KEY_ID": {"Ref": "SecretsKey"}}
    functions: dict[str, Any] = {"APIHandler": {"Properties": {"Environment": {"Variables": env}}}}
    queue_for = {names.queue_name(key): cfn_name(key, "Queue") for key in names.QUEUES}
    for source in app.event_sources:
        fn = to_cfn_resource_name(source.name)
        props: dict[str, Any] = {"Environment": {"Variables": env}}
        entry: dict[str, Any] = {"Properties": props}
        if isinstance(source, SQSEventConfig):
            props["Events"] = {f"{fn}SqsEventSource": {"Properties": {
                "FunctionResponseTypes": ["ReportBatchItemFailures"]}}}
            entry["DependsOn"] = [queue_for[str(source.queue)]]
        functions[fn] = entry
    return {"Resources": {**resources(), **functions},
            "Outputs": {"UiBucketName": {"Value": {"Ref": "UiBucket"}},
                        "UiWebsiteUrl": {"Value": {"Fn::GetAtt": ["UiBucket", "WebsiteURL"]}}}}


if __name__ == "__main__":   # python -m infra.template > build/merge.json (run by `make package`)
    sys.path.insert(0, ".")
    from app import app as chalice_app
    json.dump(merge_template(chalice_app), sys.stdout, indent=2)
