"""Goods images on S3 (moto): the presigned POST's policy holds the size and type limits, the browser's
upload goes to S3 itself, the confirm step refuses what is not an image and deletes it, the worker makes
the thumbnail."""
from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from chalicelib import names
from chalicelib.domain.errors import ValidationError
from tests import fakes
from tests.aws import aws


@pytest.fixture
def store() -> Iterator[Any]:
    from chalicelib.storage.images import S3ImageStore
    with aws(()):
        boto3.client("s3").create_bucket(Bucket=names.bucket_name("images"))
        yield S3ImageStore()


def png(size: tuple[int, int] = (800, 600)) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def upload(grant: dict[str, Any], body: bytes) -> requests.Response:
    return requests.post(grant["url"], data=grant["fields"], files={"file": ("x", body)}, timeout=10)


def test_given_a_grant_then_its_policy_limits_size_type_and_key(store) -> None:
    from chalicelib.services.goods_images import MAX_BYTES, grant_upload
    grant = grant_upload(store, "image/png", 1000)
    policy = json.loads(base64.b64decode(grant["fields"]["policy"]))
    assert ["content-length-range", 1, MAX_BYTES] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"] and {"key": grant["key"]} in policy["conditions"]
    assert grant["key"].startswith("goods-images/originals/") and grant["key"].endswith(".png")


@pytest.mark.parametrize(("content_type", "size", "reason"), [
    ("text/html", 100, "goods.image_type"), ("image/svg+xml", 100, "goods.image_type"),
    ("image/png", 6 * 1024 * 1024, "goods.image_too_large"), ("image/png", 0, "goods.image_too_large")])
def test_given_a_file_over_the_limit_or_not_an_image_type_then_no_grant(store, content_type, size, reason) -> None:
    from chalicelib.services.goods_images import grant_upload
    with pytest.raises(ValidationError) as refused:
        grant_upload(store, content_type, size)
    assert refused.value.reason == reason


def test_given_an_uploaded_png_when_confirmed_then_a_thumbnail_job_and_the_worker_makes_a_small_jpeg(store) -> None:
    from PIL import Image

    from chalicelib.services.goods_images import confirm_upload, grant_upload, make_thumbnail, thumb_key
    grant = grant_upload(store, "image/png", 5000)
    assert upload(grant, png()).status_code in (200, 204)
    queue = fakes.RecordingPublisher()
    answer = confirm_upload(store, queue, grant["key"])
    assert queue.bodies("images") == [{"key": grant["key"]}]
    assert make_thumbnail(store, grant["key"]) and make_thumbnail(store, grant["key"])    # redelivered: same
    with Image.open(io.BytesIO(store.read(answer["thumbnail"]))) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 256
    assert answer["thumbnail"] == thumb_key(grant["key"])


def test_given_a_text_file_posted_as_a_png_when_confirmed_then_refused_and_deleted(store) -> None:
    from chalicelib.services.goods_images import confirm_upload, grant_upload
    grant = grant_upload(store, "image/png", 20)
    upload(grant, b"<html>not an image</html>")
    queue = fakes.RecordingPublisher()
    with pytest.raises(ValidationError) as refused:
        confirm_upload(store, queue, grant["key"])
    assert refused.value.reason == "goods.not_an_image" and store.head(grant["key"]) is None and not queue.sent


def test_given_a_key_never_granted_or_not_uploaded_then_refused(store) -> None:
    from chalicelib.services.goods_images import confirm_upload
    for key in ("goods-images/originals/none.png", "raw/secret.json", "goods-images/originals/../x"):
        with pytest.raises(ValidationError) as refused:
            confirm_upload(store, fakes.RecordingPublisher(), key)
        assert refused.value.reason == "goods.image_missing"
