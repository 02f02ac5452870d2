"""The local AWS emulator keeps its connections alive (local/runtime/keepalive.py): botocore's pooled
connection serves call after call, bodies are read whatever the application reads of them (a chunked one
too), and a HEAD keeps the length a GET would send."""
from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from local.runtime.moto_server import Gate, GatedMotoServer, start_moto

SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=fake/20261207/us-east-1/dynamodb/aws4_request, "
                           "SignedHeaders=host, Signature=fake"}


@pytest.fixture(scope="module")
def emulator() -> Iterator[GatedMotoServer]:
    server = start_moto("127.0.0.1", 0, Gate())
    yield server
    server.stop()


def _dynamodb(conn: http.client.HTTPConnection, target: str, body: dict[str, object]) -> http.client.HTTPResponse:
    conn.request("POST", "/", json.dumps(body), {**SIGNED, "X-Amz-Target": f"DynamoDB_20120810.{target}",
                                                 "Content-Type": "application/x-amz-json-1.0"})
    return conn.getresponse()


def test_GIVEN_one_connection_WHEN_calls_follow_THEN_each_is_answered_on_it_and_none_closes_it(
        emulator: GatedMotoServer) -> None:
    host, port = emulator.get_host_and_port()
    conn = http.client.HTTPConnection(host, port)
    for _ in range(3):
        answer = _dynamodb(conn, "ListTables", {})
        answer.read()
        assert answer.status == 200 and answer.getheader("Connection") != "close"
        assert answer.getheader("Content-Length") is not None
    sock = conn.sock
    assert sock is not None
    _dynamodb(conn, "ListTables", {}).read()
    assert conn.sock is sock                       # not reconnected


def test_GIVEN_a_chunked_body_WHEN_sent_THEN_it_is_read_whole_and_the_next_call_follows_on_the_connection(
        emulator: GatedMotoServer) -> None:
    host, port = emulator.get_host_and_port()
    conn = http.client.HTTPConnection(host, port)
    body = json.dumps({"Limit": 5}).encode()
    conn.putrequest("POST", "/")
    for name, value in {**SIGNED, "X-Amz-Target": "DynamoDB_20120810.ListTables",
                        "Content-Type": "application/x-amz-json-1.0", "Transfer-Encoding": "chunked"}.items():
        conn.putheader(name, value)
    conn.endheaders()
    conn.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    answer = conn.getresponse()
    assert answer.status == 200 and "TableNames" in json.loads(answer.read())
    again = _dynamodb(conn, "ListTables", {})
    assert again.status == 200 and "TableNames" in json.loads(again.read())


def test_GIVEN_an_s3_object_WHEN_headed_THEN_its_length_is_the_objects_and_no_body_follows(
        emulator: GatedMotoServer) -> None:
    import boto3
    host, port = emulator.get_host_and_port()
    s3 = boto3.client("s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                      aws_access_key_id="fake", aws_secret_access_key="fake")
    s3.create_bucket(Bucket="keepalive-test")
    s3.put_object(Bucket="keepalive-test", Key="a b/ü_x.txt", Body=b"x" * 5000, Metadata={"my_key": "v"})
    head = s3.head_object(Bucket="keepalive-test", Key="a b/ü_x.txt")
    assert head["ContentLength"] == 5000 and head["Metadata"] == {"my_key": "v"}
    assert s3.get_object(Bucket="keepalive-test", Key="a b/ü_x.txt")["Body"].read() == b"x" * 5000
