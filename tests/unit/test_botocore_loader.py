"""The local runtime's one botocore loader (local/runtime/botocore_loader.py): sessions made on any thread,
as PynamoDB makes one per thread, share the parsed models instead of each parsing its own."""
from __future__ import annotations

import threading

import boto3
import botocore.session

from local.runtime import botocore_loader


def test_GIVEN_the_shared_loader_WHEN_threads_make_sessions_THEN_they_share_one_loader_and_its_models() -> None:
    botocore_loader.apply()
    loaders: list[object] = []

    def make() -> None:
        loaders.append(botocore.session.get_session().get_component("data_loader"))

    threads = [threading.Thread(target=make) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(loader) for loader in loaders}) == 1
    first = botocore.session.get_session().get_component("data_loader").load_service_model("sqs", "service-2")
    again = botocore.session.get_session().get_component("data_loader").load_service_model("sqs", "service-2")
    assert first is again


def test_GIVEN_boto3_sessions_WHEN_made_again_and_again_THEN_its_data_path_is_listed_once() -> None:
    botocore_loader.apply()
    for _ in range(3):
        boto3.session.Session(region_name="us-east-1")
    paths = botocore.session.get_session().get_component("data_loader").search_paths
    assert len(paths) == len(set(paths))
