"""schemes.strict_json: a nesting bound in front of json.loads (hostile files must not crash)."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemes.strict_json import MAX_DEPTH, loads


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_depth_bound_is_exact():
    assert loads(_nested(MAX_DEPTH)) == json.loads(_nested(MAX_DEPTH))
    with pytest.raises(ValueError, match="deeper"):
        loads(_nested(MAX_DEPTH + 1))
    with pytest.raises(ValueError, match="deeper"):
        loads('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1))


def test_brackets_inside_strings_do_not_count():
    text = json.dumps(["[" * 1000, {'k\\"[{': "]}" * 50}])
    assert loads(text) == json.loads(text)


def test_deep_input_is_refused_even_when_the_recursion_limit_is_raised():
    """With a raised limit, plain json.loads would overflow the C stack on this input."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    try:
        for text in ("[" * 200_000, '{"a":' * 200_000, b"[" * 200_000):
            with pytest.raises(ValueError):
                loads(text)
    finally:
        sys.setrecursionlimit(old)


@pytest.mark.parametrize("data", [b"\xff\xfe[", b"", b"NaN x", "[1,]", 5])
def test_malformed_input_is_a_value_error(data):
    with pytest.raises(ValueError):
        loads(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=30,
)


@given(json_values)
def test_agrees_with_json_loads_on_shallow_documents(value):
    text = json.dumps(value)
    assert loads(text) == json.loads(text)
    assert loads(text.encode()) == json.loads(text)


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '[{"x": {"k": 1, "k": 1}}]', '{"a": 1, "b": {}, "a": 1}'])
def test_duplicate_keys_are_refused(text):
    """json.loads alone keeps the last value: {"a": 1, "a": 2} would read as {"a": 2}."""
    assert json.loads(text) is not None
    from schemes.strict_json import DuplicateKey

    with pytest.raises(DuplicateKey, match="duplicate key"):
        loads(text)
    with pytest.raises(ValueError):
        loads(text, object_pairs_hook=dict)


def test_the_hook_sees_unique_pairs():
    seen = []
    assert loads('{"b": 1, "a": [2]}', object_pairs_hook=lambda p: seen.append(p) or dict(p)) == {"b": 1, "a": [2]}
    assert seen == [[("b", 1), ("a", [2])]]
