"""Create the tables, queues, buckets and keys of `infra.template.resources()` in moto: the same
definition AWS gets. Idempotent: what exists is left alone (a table only gains its missing indexes)."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from local.runtime.cfn import Pseudo, Resolver

log = logging.getLogger("local.provision")

KEY_TAG = "oms:logical-id"
STACK_TAG = "oms:stack"
# CloudFormation property -> SQS attribute (values are stringified)
_QUEUE_ATTRIBUTES = ("ContentBasedDeduplication", "DeduplicationScope", "DelaySeconds", "FifoQueue",
                     "FifoThroughputLimit", "KmsDataKeyReusePeriodSeconds", "KmsMasterKeyId",
                     "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
                     "RedriveAllowPolicy", "RedrivePolicy", "SqsManagedSseEnabled", "VisibilityTimeout")
# resource types that have no meaning in the local runtime: logged and skipped
_NO_LOCAL_MEANING = ("AWS::CloudWatch::", "AWS::SNS::Subscription", "AWS::Logs::", "AWS::IAM::")


@dataclass
class Provisioned:
    tables: dict[str, dict[str, str]] = field(default_factory=dict)     # logical id -> name, arn, stream_arn
    queues: dict[str, dict[str, str]] = field(default_factory=dict)     # logical id -> name, url, arn
    buckets: dict[str, dict[str, str]] = field(default_factory=dict)    # logical id -> name, arn
    keys: dict[str, dict[str, str]] = field(default_factory=dict)       # logical id -> id, arn
    skipped: dict[str, str] = field(default_factory=dict)               # logical id -> type
    created: list[str] = field(default_factory=list)                    # logical ids created by this run
    new_indexes: list[tuple[str, str]] = field(default_factory=list)    # (table name, index) added to old tables
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)  # logical id -> Ref/GetAtt values

    def attribute(self, logical: str, attr: str) -> Any:
        try:
            return self.attributes[logical][attr]
        except KeyError:
            raise KeyError(f"{logical}.{attr} is not known locally") from None

    def queue_url(self, name: str) -> str | None:
        return next((q["url"] for q in self.queues.values() if q["name"] == name), None)

    def as_json(self) -> dict[str, Any]:
        return {"tables": self.tables, "queues": self.queues, "buckets": self.buckets, "keys": self.keys,
                "skipped": self.skipped}


class Provisioner:
    def __init__(self, resources: dict[str, Any], endpoint_url: str, pseudo: Pseudo,
                 parameters: dict[str, Any] | None = None, conditions: dict[str, Any] | None = None) -> None:
        self._resources = resources
        self._pseudo = pseudo
        kw: dict[str, Any] = {"endpoint_url": endpoint_url, "region_name": pseudo.region,
                              "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        self._ddb = boto3.client("dynamodb", **kw)
        self._sqs = boto3.client("sqs", **kw)
        self._s3 = boto3.client("s3", **kw)
        self._kms = boto3.client("kms", **kw)
        self._in_progress: set[str] = set()
        self.result = Provisioned()
        self._attrs = self.result.attributes
        self._resolver = Resolver(pseudo, self._lookup, _parameters(parameters),
                                  _conditions() if conditions is None else conditions)

    def run(self) -> Provisioned:
        for logical in self._resources:
            self._ensure(logical)
        if self.result.skipped:
            log.info("not provisioned locally (no local meaning): %s", ", ".join(sorted(self.result.skipped)))
        return self.result

    def _lookup(self, logical: str, attr: str) -> Any:
        self._ensure(logical)
        try:
            return self._attrs[logical][attr]
        except KeyError:
            raise KeyError(f"{logical} has no attribute {attr} in the local runtime") from None

    def _ensure(self, logical: str) -> None:
        if logical in self._attrs:
            return
        if logical in self._in_progress:
            raise ValueError(f"circular reference through {logical}")
        if logical not in self._resources:
            raise KeyError(f"unknown resource {logical}")
        self._in_progress.add(logical)
        spec = self._resources[logical]
        rtype = spec["Type"]
        handler = {"AWS::DynamoDB::Table": self._table, "AWS::SQS::Queue": self._queue,
                   "AWS::S3::Bucket": self._bucket, "AWS::KMS::Key": self._key}.get(rtype)
        if handler is None:
            if not rtype.startswith(_NO_LOCAL_MEANING):
                log.warning("skipping %s: the local runtime does not know %s", logical, rtype)
            self.result.skipped[logical] = rtype
            self._attrs[logical] = {"Ref": logical}
        else:
            props = self._resolver.resolve(spec.get("Properties", {}))
            self._attrs[logical] = handler(logical, props)
        self._in_progress.discard(logical)

    # DynamoDB ---------------------------------------------------------------------------------------
    def _table(self, logical: str, props: dict[str, Any]) -> dict[str, Any]:
        name = props["TableName"]
        try:
            desc = self._ddb.describe_table(TableName=name)["Table"]
            self._add_missing_indexes(name, props, desc)
            desc = self._drop_undefined_stream(name, props, desc)
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            desc = self._create_table(name, props)
            self.result.created.append(logical)
        out = {"Ref": name, "Arn": desc["TableArn"], "StreamArn": desc.get("LatestStreamArn", "")}
        self.result.tables[logical] = {"name": name, "arn": out["Arn"], "stream_arn": out["StreamArn"]}
        return out

    def _create_table(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        args: dict[str, Any] = {k: props[k] for k in ("TableName", "AttributeDefinitions", "KeySchema",
                                                      "BillingMode", "GlobalSecondaryIndexes",
                                                      "LocalSecondaryIndexes", "ProvisionedThroughput")
                                if k in props}
        if "StreamSpecification" in props:
            args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        if props.get("SSESpecification", {}).get("SSEEnabled"):
            args["SSESpecification"] = {"Enabled": True}
        desc = self._ddb.create_table(**args)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            self._ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        log.debug("created table %s", name)
        return dict(desc)

    def _drop_undefined_stream(self, name: str, props: dict[str, Any], desc: dict[str, Any]) -> dict[str, Any]:
        """A saved state from when the table had a stream infra/ no longer defines: switched off, as a
        CloudFormation update would (moto would otherwise keep every record of it in memory)."""
        if "StreamSpecification" in props or not desc.get("StreamSpecification", {}).get("StreamEnabled"):
            return desc
        log.info("table %s: switching off its stream, no longer defined", name)
        self._ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        return dict(self._ddb.describe_table(TableName=name)["Table"])

    def _add_missing_indexes(self, name: str, props: dict[str, Any], desc: dict[str, Any]) -> None:
        """A saved state from an older definition: its table gains the new indexes and loses the ones no
        longer defined (as a CloudFormation update would); `new_indexes` tells the runtime which items
        may need their new key attributes written."""
        have = {i["IndexName"] for i in desc.get("GlobalSecondaryIndexes", [])}
        wanted = {index["IndexName"] for index in props.get("GlobalSecondaryIndexes", [])}
        for index in props.get("GlobalSecondaryIndexes", []):
            if index["IndexName"] in have:
                continue
            log.info("table %s: adding the new index %s", name, index["IndexName"])
            self._ddb.update_table(TableName=name, AttributeDefinitions=props["AttributeDefinitions"],
                                   GlobalSecondaryIndexUpdates=[{"Create": index}])
            self.result.new_indexes.append((name, index["IndexName"]))
        for gone in sorted(have - wanted):
            log.info("table %s: removing the index %s, no longer defined", name, gone)
            self._ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": gone}}])

    # SQS ----------------------------------------------------------------------------------------------
    def _queue(self, logical: str, props: dict[str, Any]) -> dict[str, Any]:
        fifo = bool(props.get("FifoQueue"))
        name = props.get("QueueName") or f"{self._pseudo.stack_name}-{logical}" + (".fifo" if fifo else "")
        try:
            url = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
        except ClientError as e:
            if "NonExistentQueue" not in e.response["Error"]["Code"]:
                raise
            attributes = {k: _attr_string(props[k]) for k in _QUEUE_ATTRIBUTES if k in props}
            url = self._sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
            self.result.created.append(logical)
            log.debug("created queue %s", name)
        arn = f"arn:{self._pseudo.partition}:sqs:{self._pseudo.region}:{self._pseudo.account_id}:{name}"
        self.result.queues[logical] = {"name": name, "url": url, "arn": arn}
        return {"Ref": url, "Arn": arn, "QueueName": name, "QueueUrl": url}

    # S3 -----------------------------------------------------------------------------------------------
    def _bucket(self, logical: str, props: dict[str, Any]) -> dict[str, Any]:
        name = props.get("BucketName") or f"{self._pseudo.stack_name}-{logical}".lower()
        try:
            self._s3.head_bucket(Bucket=name)
        except ClientError:
            self._create_bucket(name, props)
            self.result.created.append(logical)
        self._cors(name, props.get("CorsConfiguration"))       # also an old state's bucket: rules change
        arn = f"arn:{self._pseudo.partition}:s3:::{name}"
        self.result.buckets[logical] = {"name": name, "arn": arn}
        region = self._pseudo.region
        return {"Ref": name, "Arn": arn, "DomainName": f"{name}.s3.amazonaws.com",
                "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
                "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com"}

    def _cors(self, name: str, config: dict[str, Any] | None) -> None:
        if not config:
            self._s3.delete_bucket_cors(Bucket=name)
            return
        keys = {"AllowedMethods": "AllowedMethods", "AllowedOrigins": "AllowedOrigins", "MaxAge": "MaxAgeSeconds",
                "AllowedHeaders": "AllowedHeaders", "ExposedHeaders": "ExposeHeaders", "Id": "ID"}
        rules = [{keys[k]: v for k, v in rule.items() if k in keys} for rule in config["CorsRules"]]
        self._s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})

    def _create_bucket(self, name: str, props: dict[str, Any]) -> None:
        region = self._pseudo.region
        extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        self._s3.create_bucket(Bucket=name, **extra)
        if "BucketEncryption" in props:
            configured = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            rules = [_encryption_rule(r) for r in configured]
            self._s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if "PublicAccessBlockConfiguration" in props:
            self._s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props[
                "PublicAccessBlockConfiguration"])
        if "LifecycleConfiguration" in props:
            rules = [_lifecycle_rule(r) for r in props["LifecycleConfiguration"]["Rules"]]
            self._s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
        if "WebsiteConfiguration" in props:
            web = props["WebsiteConfiguration"]
            config: dict[str, Any] = {"IndexDocument": {"Suffix": web["IndexDocument"]}}
            if "ErrorDocument" in web:
                config["ErrorDocument"] = {"Key": web["ErrorDocument"]}
            self._s3.put_bucket_website(Bucket=name, WebsiteConfiguration=config)
        log.debug("created bucket %s", name)

    # KMS ----------------------------------------------------------------------------------------------
    def _key(self, logical: str, props: dict[str, Any]) -> dict[str, Any]:
        key_id = self._find_key(logical)
        if key_id is None:
            args: dict[str, Any] = {"Description": props.get("Description", ""),
                                    "KeyUsage": props.get("KeyUsage", "ENCRYPT_DECRYPT"),
                                    "KeySpec": props.get("KeySpec", "SYMMETRIC_DEFAULT"),
                                    "Tags": [{"TagKey": KEY_TAG, "TagValue": logical},
                                             {"TagKey": STACK_TAG, "TagValue": self._pseudo.stack_name}]}
            if "KeyPolicy" in props:
                args["Policy"] = json.dumps(props["KeyPolicy"])
            key_id = self._kms.create_key(**args)["KeyMetadata"]["KeyId"]
            if props.get("EnableKeyRotation"):
                self._kms.enable_key_rotation(KeyId=key_id)
            self.result.created.append(logical)
            log.debug("created KMS key %s (%s)", logical, key_id)
        arn = f"arn:{self._pseudo.partition}:kms:{self._pseudo.region}:{self._pseudo.account_id}:key/{key_id}"
        self.result.keys[logical] = {"id": key_id, "arn": arn}
        return {"Ref": key_id, "Arn": arn, "KeyId": key_id}

    def _find_key(self, logical: str) -> str | None:
        for page in self._kms.get_paginator("list_keys").paginate():
            for key in page["Keys"]:
                tags = {t["TagKey"]: t["TagValue"]
                        for t in self._kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", [])}
                if tags.get(KEY_TAG) == logical and tags.get(STACK_TAG) == self._pseudo.stack_name:
                    return str(key["KeyId"])
        return None


def _attr_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _encryption_rule(rule: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in rule.items() if k != "ServerSideEncryptionByDefault"}
    if "ServerSideEncryptionByDefault" in rule:
        out["ApplyServerSideEncryptionByDefault"] = rule["ServerSideEncryptionByDefault"]
    return out


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"ID": rule.get("Id", "rule"), "Status": rule["Status"],
                           "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "Transitions" in rule:
        out["Transitions"] = [{"Days": t["TransitionInDays"], "StorageClass": t["StorageClass"]}
                              for t in rule["Transitions"]]
    if "ExpirationInDays" in rule:
        out["Expiration"] = {"Days": rule["ExpirationInDays"]}
    return out


def provision(resources: dict[str, Any], endpoint_url: str, pseudo: Pseudo,
              parameters: dict[str, Any] | None = None, conditions: dict[str, Any] | None = None) -> Provisioned:
    """`parameters`: the template's (UiOrigin: the local UI's origin); `conditions`: its Conditions, by
    default infra.template's."""
    return Provisioner(resources, endpoint_url, pseudo, parameters, conditions).run()


def allow_ui_origin(resources: dict[str, Any], endpoint_url: str, pseudo: Pseudo, provisioned: Provisioned,
                    origin: str) -> None:
    """The local UI's origin is known once its web server listens, after provisioning: the bucket CORS rules
    that name it (UiOrigin, as `make deploy` sets it on AWS) are applied again with it."""
    again = Provisioner(resources, endpoint_url, pseudo, {"UiOrigin": origin.rstrip("/")})
    for logical, spec in resources.items():
        properties = spec.get("Properties", {})
        if spec.get("Type") == "AWS::S3::Bucket" and "CorsConfiguration" in properties and \
                logical in provisioned.buckets:
            config = again._resolver.resolve({"c": properties["CorsConfiguration"]}).get("c")
            for rule in (config or {}).get("CorsRules", []):
                rule["AllowedOrigins"] = [*rule["AllowedOrigins"], *_aliases(rule["AllowedOrigins"])]
            again._cors(provisioned.buckets[logical]["name"], config)


def _aliases(origins: list[str]) -> list[str]:
    """The loopback UI is reached as 127.0.0.1 or as localhost: both are its origin."""
    return [o.replace("://127.0.0.1", "://localhost") for o in origins if "://127.0.0.1" in o]


def _parameters(given: dict[str, Any] | None) -> dict[str, Any]:
    """The template's parameters at their defaults (UiOrigin empty: no CORS rule until allow_ui_origin)."""
    try:
        from infra.template import PARAMETERS
    except ImportError:
        return dict(given or {})
    return {name: spec.get("Default", "") for name, spec in PARAMETERS.items()} | dict(given or {})


def _conditions() -> dict[str, Any]:
    try:
        from infra.template import CONDITIONS
    except ImportError:
        return {}
    return dict(CONDITIONS)
