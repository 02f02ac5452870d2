"""The defensive push parser: limits are checked before parsing, and every failure is a 4xx."""
from __future__ import annotations

import pytest

from chalicelib.platforms.push_parse import MAX_DEPTH, epoch_time, load_json, load_xml, whole_number
from chalicelib.services.platform_errors import PushRejectedError


@pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000, b"[" * 100_000, b'{"a":' * 50 + b"1" + b"}" * 50])
def test_given_json_nested_past_the_limit_then_400_before_parsing(raw):
    with pytest.raises(PushRejectedError) as refused:
        load_json(raw)
    assert refused.value.status == 400


def test_given_brackets_inside_strings_then_they_do_not_count_as_nesting():
    assert load_json(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"{{{{{{{{{{{{{{{{{{{{{{{{{{{"}') == {
        "a": '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["{{{{{{{{{{{{{{{{{{{{{{{{{{{'}


@pytest.mark.parametrize("raw", [b"[NaN]", b"[Infinity]", b"[1e99999]", b"[" + b"9" * 30 + b"]", b"[" + b"9" * 9000 + b"]",
                                 b"\xff", b"", b'["\\ud800"', b'["' + b'\\"' * 100_000, b'"a' * 100_000])
def test_given_constants_long_numbers_or_bad_bytes_then_400(raw):
    with pytest.raises(PushRejectedError):
        load_json(raw)


@pytest.mark.parametrize("raw", [b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1),
                                 b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', b"<x>&a;</x>", b"<x>", b""])
def test_given_deep_dtd_or_malformed_xml_then_400(raw):
    with pytest.raises(PushRejectedError) as refused:
        load_xml(raw)
    assert refused.value.status == 400


@pytest.mark.parametrize("value", [10**30, -5, "-5", "abc", "²", "1" * 40, 1.5, None, [], "", 0])
def test_given_an_absurd_epoch_then_400(value):
    with pytest.raises(PushRejectedError) as refused:
        epoch_time(value, "t")
    assert refused.value.status == 400


def test_given_seconds_or_millis_as_number_or_digits_then_the_same_time():
    assert epoch_time(1700000000, "t") == epoch_time("1700000000", "t") == epoch_time(1700000000000, "t", millis=True)
    assert whole_number("0042", "n") == 42
