"""The shared rule-input checks: each language's limits and reason, the field named in every refusal."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.rule_inputs import RuleInputs

INPUTS = RuleInputs(reason="test.rule_invalid", max_items=3, max_text=5)


def refusal(call: Any, *args: Any, **kw: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kw)
    assert caught.value.reason == "test.rule_invalid"
    return caught.value


def test_given_a_list_of_texts_when_read_then_each_is_stripped() -> None:
    assert INPUTS.strings([" a ", "bc"], "shops") == ("a", "bc")
    assert INPUTS.strings([], "shops") == ()


@pytest.mark.parametrize("value, field", [("a", "shops"), (["a"] * 4, "shops"), (["a", " "], "shops[1]"),
                                          (["a", 7], "shops[1]"), (["abcdef"], "shops[0]")])
def test_given_a_bad_list_when_read_then_the_refusal_names_the_list_or_the_item(value: Any, field: str) -> None:
    assert refusal(INPUTS.strings, value, "shops").field == field


def test_given_a_shorter_limit_for_one_list_when_a_longer_text_comes_then_it_is_refused_with_that_limit() -> None:
    error = refusal(INPUTS.strings, ["abc"], "words", limit=2)
    assert error.field == "words[0]" and "1 to 2 characters" in str(error)


def test_given_an_optional_text_when_missing_then_it_is_empty_and_a_required_one_is_refused() -> None:
    assert INPUTS.text(None, "note") == "" and INPUTS.text(" hi ", "note") == "hi"
    assert "1 to 5" in str(refusal(INPUTS.text, "  ", "name", required=True))
    assert "0 to 5" in str(refusal(INPUTS.text, "abcdef", "note"))
    assert refusal(INPUTS.text, 3, "note").field == "note"


@pytest.mark.parametrize("value", [True, -1, 11, "3", None])
def test_given_a_value_outside_the_range_or_not_an_int_when_read_then_it_is_refused(value: Any) -> None:
    assert "from 0 to 10" in str(refusal(INPUTS.whole, value, "priority", 0, 10))


def test_given_a_wording_when_a_number_is_refused_then_the_refusal_uses_it() -> None:
    assert INPUTS.whole(10, "flag", 0, 10) == 10
    assert "a flag number" in str(refusal(INPUTS.whole, 11, "flag", 0, 10, "a flag number 0 to 10"))


def test_given_true_false_or_else_when_read_as_a_flag_then_only_a_bool_passes() -> None:
    assert INPUTS.flag(False, "enabled") is False
    assert refusal(INPUTS.flag, "yes", "enabled").field == "enabled"


def test_given_values_outside_the_allowed_ones_then_the_first_stranger_is_named() -> None:
    INPUTS.one_of(("a",), ("a", "b"), "platform")
    assert refusal(INPUTS.one_of, ("a", "z"), ("a", "b"), "platform").field == "platform[1]"
