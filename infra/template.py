"""The AWS resources as one CloudFormation definition. `chalice package --merge-template` merges
`merge_template(app)` into the SAM output; the local runtime creates the same tables, queues and
buckets from `resources()`. One source of truth for both."""
from __future__ import annotations

import json
import sys
from typing import Any

from chalicelib import names
from infra import iam
from infra.tables import TABLE_SPECS, table_properties

DLQ_MAX_RECEIVES = 5
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
LOG_RETENTION_CHOICES = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653]
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"   # CloudFront's managed cache policy

PARAMETERS: dict[str, Any] = {
    "AlarmEmail": {"Type": "String", "Default": "", "Description": "who gets the alarms (empty: nobody yet)"},
    "LogRetentionDays": {"Type": "Number", "Default": 30, "AllowedValues": LOG_RETENTION_CHOICES},
    "EnableCdn": {"Type": "String", "Default": "true", "AllowedValues": ["true", "false"],
                  "Description": "serve the UI through CloudFront (cn-north-1 needs an ICP filing first)"},
    "UiOrigin": {"Type": "String", "Default": "", "Description": "the UI's origin, allowed by the API's CORS"},
}
CONDITIONS: dict[str, Any] = {
    "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
    "UseCdn": {"Fn::Equals": [{"Ref": "EnableCdn"}, "true"]},
}
OUTPUTS: dict[str, Any] = {
    "UiBucketName": {"Value": {"Ref": "UiBucket"}},
    "UiUrl": {"Condition": "UseCdn", "Value": {"Fn::Sub": "https://${UiDistribution.DomainName}"}},
    "UiDistributionId": {"Condition": "UseCdn", "Value": {"Ref": "UiDistribution"}},
    "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
}


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
    out["UiBucket"]["DeletionPolicy"] = out["UiBucket"]["UpdateReplacePolicy"] = "Delete"   # rebuilt by deploy
    out["ImagesBucket"] = images_bucket()
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
            "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}]}},
    }


def deploy_resources() -> dict[str, Any]:
    """What only AWS needs (the local runtime has no use for it): the alarm topic and the UI's CDN."""
    return {
        "AlarmTopic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": f"{names.prefix()}-alarms"}},
        "AlarmEmailSubscription": {"Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail", "Properties": {
            "TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}},
        "UiOriginAccessControl": {"Type": "AWS::CloudFront::OriginAccessControl", "Condition": "UseCdn",
                                  "Properties": {"OriginAccessControlConfig": {
                                      "Name": f"{names.prefix()}-ui", "OriginAccessControlOriginType": "s3",
                                      "SigningBehavior": "always", "SigningProtocol": "sigv4"}}},
        "UiHeadersPolicy": {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Condition": "UseCdn",
                            "Properties": {"ResponseHeadersPolicyConfig": {
                                "Name": f"{names.prefix()}-ui-security", **headers_policy(security_headers())}}},
        "UiDistribution": {"Type": "AWS::CloudFront::Distribution", "Condition": "UseCdn", "Properties": {
            "DistributionConfig": _distribution()}},
        "UiBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Condition": "UseCdn", "Properties": {
            "Bucket": {"Ref": "UiBucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${UiBucket.Arn}/*"},
                "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": (
                    "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${UiDistribution}")}}}}]}}},
        "ImagesBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Condition": "UseCdn", "Properties": {
            "Bucket": {"Ref": "ImagesBucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${ImagesBucket.Arn}/goods-images/*"},
                "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": (
                    "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${UiDistribution}")}}}}]}}},
    }


def _distribution() -> dict[str, Any]:
    return {
        "Enabled": True, "DefaultRootObject": "index.html", "HttpVersion": "http2and3", "PriceClass": "PriceClass_100",
        "Origins": [{"Id": "ui", "DomainName": {"Fn::GetAtt": ["UiBucket", "RegionalDomainName"]},
                     "S3OriginConfig": {"OriginAccessIdentity": ""},
                     "OriginAccessControlId": {"Fn::GetAtt": ["UiOriginAccessControl", "Id"]}},
                    {"Id": "images", "DomainName": {"Fn::GetAtt": ["ImagesBucket", "RegionalDomainName"]},
                     "S3OriginConfig": {"OriginAccessIdentity": ""},
                     "OriginAccessControlId": {"Fn::GetAtt": ["UiOriginAccessControl", "Id"]}}],
        # goods images (keys under goods-images/) come from their bucket through the UI's own origin
        "CacheBehaviors": [{"PathPattern": "goods-images/*", "TargetOriginId": "images",
                            "ViewerProtocolPolicy": "redirect-to-https", "AllowedMethods": ["GET", "HEAD"],
                            "Compress": True, "CachePolicyId": CACHING_OPTIMIZED,
                            "ResponseHeadersPolicyId": {"Ref": "UiHeadersPolicy"}}],
        "DefaultCacheBehavior": {"TargetOriginId": "ui", "ViewerProtocolPolicy": "redirect-to-https",
                                 "AllowedMethods": ["GET", "HEAD"], "Compress": True,
                                 "CachePolicyId": CACHING_OPTIMIZED,
                                 "ResponseHeadersPolicyId": {"Ref": "UiHeadersPolicy"}},
        # the UI routes in the browser: a deep link is index.html (S3 answers 403 for a missing key under OAC)
        "CustomErrorResponses": [{"ErrorCode": code, "ResponseCode": 200, "ResponsePagePath": "/index.html"}
                                 for code in (403, 404)],
        "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
    }


def security_headers() -> dict[str, str]:
    """The UI's security headers, one set for the local runtime and CloudFront (chalicelib/security_headers.py).
    The API is another origin on AWS, so the CSP lets the UI connect to it."""
    import importlib.util
    module: Any = None
    if importlib.util.find_spec("chalicelib.security_headers"):
        module = importlib.import_module("chalicelib.security_headers")
    headers = dict(getattr(module, "UI_HEADERS", None) or _BASELINE_HEADERS)
    if module and "Strict-Transport-Security" not in headers:   # served over https by CloudFront
        headers["Strict-Transport-Security"] = module.STRICT_TRANSPORT_SECURITY
    csp = headers.get("Content-Security-Policy")
    if csp and "connect-src" in csp:
        headers["Content-Security-Policy"] = csp.replace(
            # the API, and S3 for the goods images the browser uploads with a presigned POST
            "connect-src", "connect-src https://*.execute-api.${AWS::Region}.${AWS::URLSuffix} "
            "https://*.s3.amazonaws.com https://*.s3.${AWS::Region}.${AWS::URLSuffix}", 1)
    return headers


_BASELINE_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                     "Referrer-Policy": "same-origin",
                     "Strict-Transport-Security": "max-age=31536000; includeSubDomains"}


def headers_policy(headers: dict[str, str]) -> dict[str, Any]:
    """CloudFront takes the well-known security headers in typed fields and refuses them as custom headers."""
    security: dict[str, Any] = {}
    custom = []
    for name, value in headers.items():
        key = name.lower()
        if key == "content-security-policy":
            security["ContentSecurityPolicy"] = {"ContentSecurityPolicy": {"Fn::Sub": value}, "Override": True}
        elif key == "x-content-type-options":
            security["ContentTypeOptions"] = {"Override": True}
        elif key == "x-frame-options":
            security["FrameOptions"] = {"FrameOption": value.upper(), "Override": True}
        elif key == "referrer-policy":
            security["ReferrerPolicy"] = {"ReferrerPolicy": value, "Override": True}
        elif key == "strict-transport-security":
            parts = [p.strip().lower() for p in value.split(";")]
            max_age = next(int(p.split("=", 1)[1]) for p in parts if p.startswith("max-age"))
            security["StrictTransportSecurity"] = {"AccessControlMaxAgeSec": max_age, "Override": True,
                                                   "IncludeSubdomains": "includesubdomains" in parts,
                                                   "Preload": "preload" in parts}
        elif key == "x-xss-protection":
            security["XSSProtection"] = {"Protection": value.startswith("1"), "Override": True,
                                         **({"ModeBlock": True} if "mode=block" in value else {})}
        else:
            custom.append({"Header": name, "Value": value, "Override": True})
    out: dict[str, Any] = {"SecurityHeadersConfig": security}
    if custom:
        out["CustomHeadersConfig"] = {"Items": custom}
    return out


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
    return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": props}


def images_bucket() -> dict[str, Any]:
    """Goods images: uploaded by the browser with a presigned POST (its policy limits size and type), so
    the bucket answers the UI's origin's POST (CORS); read through CloudFront under /goods-images/."""
    bucket = _bucket("images", private=False)
    bucket["Properties"]["CorsConfiguration"] = {"CorsRules": [{
        # any origin: the presigned POST itself is the permission (signed, one key, short-lived)
        "AllowedMethods": ["POST"], "AllowedOrigins": ["*"],
        "AllowedHeaders": ["*"], "MaxAge": 3600}]}
    return bucket


def merge_template(app: Any) -> dict[str, Any]:
    """What `chalice package --merge-template` deep-merges into its SAM output: our resources, and per
    function its name, its own least-privilege role, its log group, its error alarm, the environment and,
    for SQS consumers, ReportBatchItemFailures (chalice cannot set it: aws/chalice#2029; without it a
    returned batchItemFailures is silently ignored)."""
    from chalice.app import SQSEventConfig
    from chalice.utils import to_cfn_resource_name

    env = {"OMS_PREFIX": names.prefix(),
           "RAW_BUCKET": {"Fn::Sub": f"{names.bucket_name('raw')}-${{AWS::AccountId}}"},
           "SECRETS_KEY_ID": {"Ref": "SecretsKey"},
           "IMAGES_BUCKET": {"Ref": "ImagesBucket"}}
    out: dict[str, Any] = {**resources(), **deploy_resources()}
    out.update(_function(iam.API_HANDLER, "APIHandler", {**env, "UI_ORIGIN": {"Ref": "UiOrigin"}}, []))
    queue_for = {names.queue_name(key): cfn_name(key, "Queue") for key in names.QUEUES}
    for source in app.event_sources:
        fn = to_cfn_resource_name(source.name)
        is_sqs = isinstance(source, SQSEventConfig)
        out.update(_function(source.name, fn, env, [queue_for[str(source.queue)]] if is_sqs else []))
        if is_sqs:
            out[fn]["Properties"]["Events"] = {f"{fn}SqsEventSource": {"Properties": {
                "FunctionResponseTypes": ["ReportBatchItemFailures"]}}}
        if source.name in SINGLE_WRITERS:
            out[fn]["Properties"]["ReservedConcurrentExecutions"] = 1
        out[f"{fn}ErrorsAlarm"] = _errors_alarm(source.name)
    out.update(gateway_responses())
    return {"Parameters": PARAMETERS, "Conditions": CONDITIONS, "Resources": out, "Outputs": OUTPUTS}


# consumers that must run one at a time: the report aggregates have one writer (services/report_fold.py)
SINGLE_WRITERS = frozenset({"on_report_note"})


# API Gateway's own answers, given before the function runs -> (status, our error code). An unknown path
# is its 403 "Missing Authentication Token": a 404 here, as the app and the local runtime answer it.
GATEWAY_RESPONSES: dict[str, tuple[str, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found"), "ACCESS_DENIED": ("403", "forbidden"),
    "REQUEST_TOO_LARGE": ("413", "too_large"), "UNSUPPORTED_MEDIA_TYPE": ("415", "unsupported_media_type"),
    "THROTTLED": ("429", "too_many_requests"), "INTEGRATION_TIMEOUT": ("504", "timeout"),
    "DEFAULT_4XX": ("", "bad_request"), "DEFAULT_5XX": ("", "internal"),
}


_ERROR_TEMPLATE = '{"error": {"code": "CODE", "message": $context.error.messageString}}'


def gateway_responses() -> dict[str, Any]:
    """The API's JSON error shape and security headers on the answers API Gateway gives by itself. A static
    header value cannot hold a quote, so the CSP's 'none' is left to the app's own answers."""
    from chalicelib.security_headers import API_HEADERS
    headers = {f"gatewayresponse.header.{name}": f"'{value}'" for name, value in API_HEADERS.items()
               if "'" not in value}
    out: dict[str, Any] = {}
    for kind, (status, code) in GATEWAY_RESPONSES.items():
        props: dict[str, Any] = {
            "RestApiId": {"Ref": "RestAPI"}, "ResponseType": kind, "ResponseParameters": headers,
            "ResponseTemplates": {"application/json": _ERROR_TEMPLATE.replace("CODE", code)}}
        if status:
            props["StatusCode"] = status
        name = "".join(part.capitalize() for part in kind.split("_"))
        out[f"GatewayResponse{name}"] = {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": props}
    return out


def _function(name: str, fn: str, env: dict[str, Any], depends_on: list[str]) -> dict[str, Any]:
    """The merge entry of one function plus its role and log group (the role may not create the group, so
    the group comes first)."""
    role_id, log_id = iam.role_logical_id(fn), f"{fn}LogGroup"
    return {
        fn: {"Properties": {"FunctionName": iam.function_name(name), "Environment": {"Variables": env},
                            "Role": {"Fn::GetAtt": [role_id, "Arn"]}},
             "DependsOn": [*depends_on, log_id]},
        role_id: iam.role(name, iam.FUNCTIONS[name], cfn_name),
        log_id: {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
                 "Properties": {"LogGroupName": iam.log_group_name(name),
                                "RetentionInDays": {"Ref": "LogRetentionDays"}}},
    }


def _errors_alarm(name: str) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": f"{name} failed (a consumer's or a schedule's invocation raised)",
        "Namespace": "AWS/Lambda", "MetricName": "Errors",
        "Dimensions": [{"Name": "FunctionName", "Value": iam.function_name(name)}],
        "Statistic": "Sum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 0,
        "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "AlarmTopic"}]}}


if __name__ == "__main__":   # python -m infra.template > build/merge.json (run by `make package`)
    sys.path.insert(0, ".")
    from app import app as chalice_app
    json.dump(merge_template(chalice_app), sys.stdout, indent=2)
