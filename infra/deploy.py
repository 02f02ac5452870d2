"""One-command deployment: package, upload, CloudFormation change set, UI build and sync, URLs.

Usage: python -m infra.deploy deploy STAGE [--alarm-email ADDR] [--no-cdn] [--skip-ui]
       python -m infra.deploy destroy STAGE [--purge-data]
       python -m infra.deploy first-admin STAGE [--username admin]
       python -m infra.deploy backfill-shipments STAGE   (once, for shipments recorded before 发货记录)
       python -m infra.deploy upgrade-goods STAGE        (once after the goods library: ERP SKUs become goods)"""
from __future__ import annotations

import argparse
import hashlib
import json
import mimetypes
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
LOG_RETENTION_DAYS = {"prod": 365}          # other stages: 30
NO_CACHE = "no-cache"                        # index.html and config.json: new deploys show at once
IMMUTABLE = "public, max-age=31536000, immutable"   # Vite's hashed assets


def stack_name(stage: str) -> str:
    return f"qihang-oms-{stage}"


def session(region: str | None = None) -> Any:
    import boto3
    return boto3.session.Session(region_name=region)


# ---------------------------------------------------------------- deploy
def deploy(stage: str, aws: Any, *, alarm_email: str = "", cdn: bool = True, build_ui: bool = True,
           packager: Callable[[str, Path], Path] | None = None, ui_dist: Path = ROOT / "ui" / "dist",
           ) -> dict[str, str]:
    sam = (packager or _package)(stage, ROOT / "build" / stage)
    account = aws.client("sts").get_caller_identity()["Account"]
    artifacts = ensure_bucket(aws.client("s3"), f"{stack_name(stage)}-artifacts-{account}", aws.region_name)
    template = upload_artifacts(aws.client("s3"), artifacts, sam)
    ensure_jwt_secret(aws.client("ssm"), f"/{stack_name(stage)}/jwt-secret")
    cfn = aws.client("cloudformation")
    previous = outputs(cfn, stack_name(stage))
    params = {"AlarmEmail": alarm_email, "EnableCdn": "true" if cdn else "false",
              "LogRetentionDays": str(LOG_RETENTION_DAYS.get(stage, 30)), "UiOrigin": previous.get("UiUrl", "")}
    out = deploy_stack(cfn, stack_name(stage), template, params)
    if cdn and out.get("UiUrl") and out["UiUrl"] != params["UiOrigin"]:
        # the first deploy learns the CDN's domain only now: tell the API's CORS about it
        out = deploy_stack(cfn, stack_name(stage), template, {**params, "UiOrigin": out["UiUrl"]})
    dist = ui_dist
    if build_ui:
        subprocess.run(["make", "ui"], cwd=ROOT, check=True)
    if dist.is_dir():
        write_ui_config(dist, out.get("EndpointURL", ""))
        sync_dir(aws.client("s3"), out["UiBucketName"], dist)
        if out.get("UiDistributionId"):
            invalidate(aws.client("cloudfront"), out["UiDistributionId"])
    return out


def _package(stage: str, out_dir: Path) -> Path:
    from infra.package import package
    return package(stage, out_dir)


def ensure_bucket(s3: Any, name: str, region: str) -> str:
    try:
        s3.head_bucket(Bucket=name)
    except s3.exceptions.ClientError:
        extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=name, **extra)
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
    return name


def upload_artifacts(s3: Any, bucket: str, sam: Path) -> str:
    """`aws cloudformation package`: the code zip by content hash, the template itself (over CloudFormation's
    51 kB inline limit); returns the template's URL."""
    template = json.loads(sam.read_text())
    for resource in template["Resources"].values():
        for field in ("CodeUri", "ContentUri"):     # functions' code, layers' content
            uri = resource.get("Properties", {}).get(field)
            if isinstance(uri, str) and not uri.startswith("s3://"):
                body = (sam.parent / uri).read_bytes()
                key = f"code/{hashlib.sha256(body).hexdigest()}.zip"
                s3.put_object(Bucket=bucket, Key=key, Body=body)
                resource["Properties"][field] = {"Bucket": bucket, "Key": key}
    body = json.dumps(template).encode()
    key = f"templates/{hashlib.sha256(body).hexdigest()}.json"
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    return f"https://{bucket}.s3.amazonaws.com/{key}"


def ensure_jwt_secret(ssm: Any, name: str) -> None:
    try:
        ssm.get_parameter(Name=name)
    except ssm.exceptions.ParameterNotFound:
        ssm.put_parameter(Name=name, Type="SecureString", Value=secrets.token_urlsafe(48))


def deploy_stack(cfn: Any, name: str, template_url: str, params: dict[str, str]) -> dict[str, str]:
    exists = outputs(cfn, name, missing=None) is not None
    args = {"StackName": name, "TemplateURL": template_url, "Capabilities": CAPABILITIES,
            "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()]}
    if not exists:
        cfn.create_stack(**args, OnFailure="ROLLBACK")
        cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig={"Delay": 10, "MaxAttempts": 360})
        return outputs(cfn, name)
    try:
        cfn.update_stack(**args)
    except cfn.exceptions.ClientError as e:
        if "No updates are to be performed" in str(e):
            return outputs(cfn, name)
        raise
    cfn.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig={"Delay": 10, "MaxAttempts": 360})
    return outputs(cfn, name)


def outputs(cfn: Any, name: str, missing: Any = "empty") -> Any:
    try:
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    except cfn.exceptions.ClientError:
        return {} if missing == "empty" else missing
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


# ---------------------------------------------------------------- the UI
def write_ui_config(dist: Path, api_base: str) -> None:
    """ui/src/api/client.js reads config.json at start: `apiBase` is the API's URL (empty: same origin)."""
    (dist / "config.json").write_text(json.dumps({"apiBase": api_base}))


def sync_dir(s3: Any, bucket: str, dist: Path) -> None:
    """`aws s3 sync --delete` with content types and cache headers per file."""
    wanted = {p.relative_to(dist).as_posix(): p for p in dist.rglob("*") if p.is_file()}
    for key, path in sorted(wanted.items()):
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        cache = IMMUTABLE if key.startswith("assets/") else NO_CACHE
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=content_type,
                      CacheControl=cache)
    stale = [k for k in _keys(s3, bucket) if k not in wanted]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[start:start + 1000]]})


def _keys(s3: Any, bucket: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def invalidate(cloudfront: Any, distribution_id: str) -> None:
    cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch={
        "Paths": {"Quantity": 2, "Items": ["/index.html", "/config.json"]},
        "CallerReference": secrets.token_hex(8)})


# ---------------------------------------------------------------- destroy
def destroy(stage: str, aws: Any, *, purge_data: bool = False) -> None:
    """Deletes the stack. Tables, the raw bucket and the key are retained by design (DeletionPolicy) unless
    purge_data: then they go too (the key after KMS's minimum waiting period)."""
    cfn, s3 = aws.client("cloudformation"), aws.client("s3")
    found = outputs(cfn, stack_name(stage), missing=None)
    if found is None:
        return
    retained = _retained(cfn, stack_name(stage)) if purge_data else []
    if found.get("UiBucketName"):
        _empty(s3, found["UiBucketName"])
    cfn.delete_stack(StackName=stack_name(stage))
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack_name(stage), WaiterConfig={"Delay": 10})
    for rtype, physical in retained:
        _ignore_missing(_purge, aws, rtype, physical)


def _purge(aws: Any, rtype: str, physical: str) -> None:
    if rtype == "AWS::DynamoDB::Table":
        aws.client("dynamodb").delete_table(TableName=physical)
    elif rtype == "AWS::S3::Bucket":
        _empty(aws.client("s3"), physical)
        aws.client("s3").delete_bucket(Bucket=physical)
    elif rtype == "AWS::KMS::Key":
        aws.client("kms").schedule_key_deletion(KeyId=physical, PendingWindowInDays=7)


def _retained(cfn: Any, name: str) -> list[tuple[str, str]]:
    listed = cfn.get_paginator("list_stack_resources").paginate(StackName=name)
    kinds = ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::KMS::Key")
    return [(r["ResourceType"], r["PhysicalResourceId"]) for page in listed for r in page["StackResourceSummaries"]
            if r.get("ResourceType") in kinds]


def _empty(s3: Any, bucket: str) -> None:
    try:
        keys = _keys(s3, bucket)
    except s3.exceptions.NoSuchBucket:
        return
    for start in range(0, len(keys), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[start:start + 1000]]})


def _ignore_missing(call: Callable[..., Any], *args: Any) -> None:
    from botocore.exceptions import ClientError
    try:
        call(*args)
    except ClientError as e:
        if "NotFound" not in e.response["Error"]["Code"] and "NoSuch" not in e.response["Error"]["Code"]:
            raise


# ---------------------------------------------------------------- the first admin
def first_admin(stage: str, username: str = "admin") -> str | None:
    """Creates the first admin with a generated password (shown once); None if that admin exists."""
    os.environ["OMS_PREFIX"] = stack_name(stage)
    from chalicelib.services.users import ensure_admin
    from chalicelib.storage.users import DynamoUserRepository
    password = generated_password()
    return password if ensure_admin(DynamoUserRepository(), username, password) else None


def generated_password() -> str:
    # token_urlsafe has upper, lower, digits; the suffix guarantees the policy's three kinds whatever the draw
    return secrets.token_urlsafe(18) + "-Aa1"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.deploy")
    parser.add_argument("command", choices=["deploy", "destroy", "first-admin", "backfill-shipments",
                                                "upgrade-goods"])
    parser.add_argument("stage")
    parser.add_argument("--alarm-email", default="")
    parser.add_argument("--no-cdn", action="store_true")
    parser.add_argument("--skip-ui", action="store_true")
    parser.add_argument("--purge-data", action="store_true")
    parser.add_argument("--username", default="admin")
    args = parser.parse_args(argv)
    if args.command == "deploy":
        out = deploy(args.stage, session(), alarm_email=args.alarm_email, cdn=not args.no_cdn,
                     build_ui=not args.skip_ui)
        print(f"API: {out.get('EndpointURL', '?')}\nUI:  {out.get('UiUrl', 'no CDN: bucket ' + out['UiBucketName'])}")
        print(f"first admin (once): python -m infra.deploy first-admin {args.stage}")
    elif args.command == "destroy":
        destroy(args.stage, session(), purge_data=args.purge_data)
        print(f"{stack_name(args.stage)} deleted" + ("" if args.purge_data else " (tables, raw bucket and key kept)"))
    elif args.command == "backfill-shipments":
        os.environ["OMS_PREFIX"] = stack_name(args.stage)
        from chalicelib.storage.shipments import backfill_list_attributes
        print(f"{backfill_list_attributes()} shipments added to the 发货记录 list")
    elif args.command == "upgrade-goods":
        os.environ["OMS_PREFIX"] = stack_name(args.stage)
        from chalicelib.storage.goods_upgrade import upgrade_goods
        print(f"goods library upgrade: {upgrade_goods()}")
    else:
        password = first_admin(args.stage, args.username)
        print(f"admin {args.username}: {password}" if password else f"{args.username} exists: nothing done")


if __name__ == "__main__":
    main(sys.argv[1:])
