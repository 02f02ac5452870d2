"""Invariants of the packaged template (chalice package + infra/ merge), checked on the real output."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib import names
from infra.tables import TABLE_SPECS

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("pkg") / "dev"
    subprocess.run([sys.executable, "-m", "infra.package", "dev", str(out)], check=True, capture_output=True,
                   cwd=Path(__file__).parents[2])
    return json.loads((out / "sam.json").read_text())


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_given_every_sqs_consumer_then_partial_batch_responses_are_on(template) -> None:
    functions = of_type(template, "AWS::Serverless::Function")
    sources = [(name, e) for name, f in functions.items()
               for e in f["Properties"].get("Events", {}).values() if e["Type"] == "SQS"]
    assert sources, "no SQS consumer packaged"
    for name, event in sources:
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
        assert set(event["Properties"]) >= {"Queue", "BatchSize"}, name


def test_given_every_queue_then_a_dlq_after_at_least_5_receives_and_visibility_6x_the_consumer(template) -> None:
    queues = of_type(template, "AWS::SQS::Queue")
    functions = of_type(template, "AWS::Serverless::Function")
    timeout_of = {}
    for f in functions.values():
        for e in f["Properties"].get("Events", {}).values():
            if e["Type"] == "SQS":
                timeout_of[e["Properties"]["Queue"]["Fn::Sub"].rsplit(":", 1)[1]] = f["Properties"]["Timeout"]
    for key in names.QUEUES:
        props = queues[_cfn(key, "Queue")]["Properties"]
        assert props["RedrivePolicy"]["maxReceiveCount"] >= 5
        assert props["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [_cfn(key, "Dlq"), "Arn"]}
        dlq = queues[_cfn(key, "Dlq")]["Properties"]
        assert dlq.get("FifoQueue", False) == props.get("FifoQueue", False)
        consumer_timeout = timeout_of.get(props["QueueName"])
        if consumer_timeout is not None:
            assert props["VisibilityTimeout"] >= 6 * consumer_timeout, key


def test_given_every_dlq_then_an_alarm_watches_it(template, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_PREFIX", "qihang-oms-dev")   # the stage packaged above
    alarms = of_type(template, "AWS::CloudWatch::Alarm")
    watched = {a["Properties"]["Dimensions"][0]["Value"] for a in alarms.values()}
    assert {names.dlq_name(k) for k in names.QUEUES} <= watched


def test_given_every_table_then_pitr_encryption_and_ttl_as_specified(template) -> None:
    tables = of_type(template, "AWS::DynamoDB::Table")
    assert len(tables) == len(TABLE_SPECS)
    for key, (_h, _r, _i, ttl) in TABLE_SPECS.items():
        props = tables[_cfn(key, "Table")]["Properties"]
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert props["SSESpecification"]["SSEEnabled"] is True
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert (props.get("TimeToLiveSpecification", {}).get("AttributeName")) == ttl


def test_given_the_packaged_template_then_the_api_function_has_the_cjk_font_layer(template) -> None:
    from infra.package import FONT
    if not FONT.is_file():
        pytest.skip(f"{FONT} missing: `make system-deps` installs fonts-wqy-zenhei")
    layer = template["Resources"]["CjkFontLayer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion" and layer["Properties"]["ContentUri"].endswith(".zip")
    assert {"Ref": "CjkFontLayer"} in template["Resources"]["APIHandler"]["Properties"]["Layers"]


def test_given_the_packaged_template_then_cfn_lint_passes(tmp_path: Path, template) -> None:
    path = tmp_path / "sam.json"
    path.write_text(json.dumps(template))
    lint = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")), str(path)], capture_output=True,
                          text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_given_the_pynamodb_models_then_keys_and_indexes_match_the_infra_definition() -> None:
    from chalicelib.storage import models
    for model, key in ((models.OrderItem, "orders"), (models.AfterSaleItem, "after_sales"),
                       (models.ShopItem, "shops"), (models.UserItem, "users"), (models.IdempotencyItem, "idempotency")):
        hash_key, range_key, indexes, _ttl = TABLE_SPECS[key]
        assert model._hash_keyname == hash_key
        assert model._range_keyname == range_key
        model_indexes = dict(model._indexes)
        assert set(model_indexes) == set(indexes), key
        for name, (ih, ir) in indexes.items():
            schema = {k["KeyType"]: k["AttributeName"] for k in model_indexes[name]._get_schema()["key_schema"]}
            assert schema.get("HASH") == ih and schema.get("RANGE") == ir, (key, name)


def _cfn(key: str, suffix: str) -> str:
    return "".join(part.capitalize() for part in key.split("_")) + suffix


def test_given_the_packaged_template_then_api_gateways_own_answers_use_the_error_shape(template) -> None:
    """Unknown paths, bodies too large, throttling...: answered by API Gateway before the function."""
    responses = {r["Properties"]["ResponseType"]: r["Properties"] for r in template["Resources"].values()
                 if r["Type"] == "AWS::ApiGateway::GatewayResponse"}
    assert {"MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX", "REQUEST_TOO_LARGE"} <= set(responses)
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"
    body = responses["MISSING_AUTHENTICATION_TOKEN"]["ResponseTemplates"]["application/json"]
    assert body.startswith('{"error": {"code": "not_found"')
    assert responses["DEFAULT_4XX"]["ResponseParameters"]["gatewayresponse.header.X-Content-Type-Options"] == \
        "'nosniff'"


def test_given_the_images_bucket_then_its_cors_allows_only_the_ui_origin_once_known() -> None:
    from infra.template import CONDITIONS, images_bucket
    cors = images_bucket()["Properties"]["CorsConfiguration"]
    condition, rules, otherwise = cors["Fn::If"]
    assert CONDITIONS[condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "UiOrigin"}, ""]}]}
    assert [r["AllowedOrigins"] for r in rules["CorsRules"]] == [[{"Ref": "UiOrigin"}]]     # never "*"
    assert rules["CorsRules"][0]["AllowedMethods"] == ["POST"] and otherwise == {"Ref": "AWS::NoValue"}
