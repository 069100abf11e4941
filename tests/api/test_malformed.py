"""No malformed request is a 500: each is a 4xx problem naming what was wrong."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import API, assert_problem

WRITES = [
    ("POST", "/organisations"),
    ("POST", "/organisations/2/scope"),
    ("POST", "/users"),
    ("PATCH", "/users/2/role"),
    ("POST", "/standards"),
    ("POST", "/instruments"),
    ("PATCH", "/instruments/4"),
    ("POST", "/instruments/4/withdraw"),
    ("POST", "/instruments/4/shares"),
    ("POST", "/standards/2/out-of-tolerance"),
    ("POST", "/calibrations"),
    ("PATCH", "/calibrations/3"),
    ("POST", "/calibrations/3/withdraw"),
    ("POST", "/materials"),
]

BODIES = {
    "truncated": b'{"name": "x", ',
    "trailing comma": b'{"name": "x",}',
    "single quotes": b"{'name': 'x'}",
    "not utf-8": b'{"name": "\xff\xfe"}',
    "bare word": b"NaN-ish",
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
}

SHAPES = {
    "array": "[]",
    "null": "null",
    "string": '"instrument"',
    "number": "42",
    "empty object": "{}",
    "nan everywhere": '{"name": NaN, "serial": NaN, "unit": NaN, "uncertainty": NaN}',
    "huge number": '{"item": 1e400, "organisation": 1e400, "reason": "x"}',
    "huge integers": '{"item": 99999999999999999999999, "organisation": 99999999999999999999999,'
    ' "role": "owner", "reason": "x", "on": "2024-01-01"}',
    "wrong types": '{"name": ["x"], "serial": {"a": 1}, "points": "many", "found": 3}',
    "nul character": '{"name": "a\\u0000b", "serial": "\\u0000", "quantity": "v",'
    ' "unit": "\\\\volt", "code": "X", "kind": "owner", "reason": "\\u0000"}',
}


def send(client, world, method, path, content, user="admin", headers=None):
    return client.request(
        method,
        API + path,
        content=content,
        headers={
            **world.auth(user),
            "Content-Type": "application/json",
            "If-Match": '"1"',
            **(headers or {}),
        },
    )


OPTIONAL_BODY = {("PATCH", "/instruments/4"), ("POST", "/instruments/4/withdraw")}


def never_500(client, world, method, path, content, **kwargs):
    response = send(client, world, method, path, content, **kwargs)
    assert response.status_code < 500, f"{method} {path}: {response.text}"
    return response


@pytest.mark.parametrize("body", list(BODIES))
def test_a_malformed_json_body_is_400(client, world, body):
    for method, path in WRITES:
        response = never_500(client, world, method, path, BODIES[body])
        problem = assert_problem(response, 400)
        assert problem["title"] == "Malformed JSON body" or "parsing the body" in problem["detail"]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_body_of_the_wrong_shape_is_a_4xx_problem(client, world, shape):
    for method, path in WRITES:
        response = never_500(client, world, method, path, SHAPES[shape].encode())
        if (method, path) in OPTIONAL_BODY and shape in ("empty object", "null"):
            continue  # a correction or withdrawal may change nothing
        assert 400 <= response.status_code < 500, f"{method} {path}: {response.text}"
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_body_sent_as_text_is_a_4xx_problem(client, world):
    for method, path in WRITES:
        response = never_500(
            client, world, method, path, b'{"name": "x"}', headers={"Content-Type": "text/plain"}
        )
        if (method, path) not in OPTIONAL_BODY:
            assert 400 <= response.status_code < 500, f"{method} {path}: {response.text}"


MALFORMED_URLS = [
    "/instruments/abc",
    "/instruments/-1",
    "/instruments/0",
    "/instruments/99999999999999999999999",
    "/calibrations/1.5",
    "/ledger/entries/-3",
    "/ledger/entries/99999999999999999999999/receipt",
    "/organisations/%00",
    "/instruments?owner=99999999999999999999",
    "/instruments?limit=1e3",
    "/calibrations?performed_from=2024-02-30",
    "/audit?since=yesterday",
    "/instruments/4/chain?at=0000-00-00",
    "/standards/2/recall?found=soon",
    "/ledger/proof/inclusion?index=1&size=99999999999999999999999",
]


def test_a_malformed_url_is_a_4xx_problem(client, world):
    for path in MALFORMED_URLS:
        response = client.get(API + path, headers=world.auth("auditor"))
        assert 400 <= response.status_code < 500, f"{path}: {response.text}"
        assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=%25%5F%5C", "q=" + "x" * 201, "quantity=%00", "producer=%00"],
)
def test_odd_search_text_is_never_a_500(client, world, query):
    for resource in ("instruments", "standards", "organisations", "materials"):
        response = client.get(f"{API}/{resource}?{query}", headers=world.auth("auditor"))
        assert response.status_code < 500, f"{resource}?{query}: {response.text}"


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)

FIELDS = st.sampled_from(
    ["name", "serial", "unit", "quantity", "item", "points", "standards", "certificate",
     "performed", "valid_until", "kind", "level", "owner", "mpe", "organisation", "role",
     "reason", "found", "code", "uncertainty", "value", "model", "low", "high", "cmc"]
)  # fmt: skip
BODIES_LIKE_RECORDS = st.dictionaries(FIELDS, JSON, max_size=8)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(WRITES),
    body=st.one_of(JSON, BODIES_LIKE_RECORDS),
    user=st.sampled_from(["admin", "lab_a", "owner", "auditor"]),
)
def test_random_json_bodies_never_make_a_500(client, world, target, body, user):
    method, path = target
    content = json.dumps(body, allow_nan=True).encode()
    response = send(client, world, method, path, content, user=user)
    assert response.status_code < 500, response.text


HUGE = 10**30


def test_huge_ids_in_otherwise_valid_bodies_are_never_a_500(client, world):
    from .conftest import calibration_body, item_body

    cases = [
        ("POST", "/users", {"name": "n", "role": "owner", "organisation": HUGE}),
        ("POST", f"/instruments/{world.items['dmm']}/shares", {"organisation": HUGE}),
        ("POST", "/instruments", item_body(serial="H-1", owner=HUGE)),
        ("POST", "/calibrations", calibration_body(HUGE, [world.items["calibrator"]])),
        ("POST", "/calibrations", calibration_body(world.items["dmm"], [HUGE])),
        (
            "POST",
            "/calibrations",
            {**calibration_body(world.items["dmm"], []), "materials": [HUGE]},
        ),
        ("POST", "/calibrations", {**calibration_body(world.items["dmm"], []), "laboratory": HUGE}),
    ]
    for method, path, body in cases:
        response = never_500(client, world, method, path, json.dumps(body).encode())
        assert_problem(response, response.status_code)
        assert 400 <= response.status_code < 500, f"{path}: {response.text}"
