"""The application: built by create_app, nothing opened at import, OpenAPI, problem+json."""

from __future__ import annotations

import importlib

import pytest
from fastapi.testclient import TestClient

from sitrace import __version__
from sitrace.api import create_app
from sitrace.config import Settings

from .conftest import API, assert_problem


def test_importing_the_api_opens_nothing():
    module = importlib.import_module("sitrace.api.app")
    assert not hasattr(module, "app")
    assert create_app().state.datacentre is None


def test_the_lifespan_opens_and_closes_the_data_centre_of_the_settings(database_url, tmp_path):
    settings = Settings(database_url=database_url, key_file=tmp_path / "life.key")
    app = create_app(settings)
    with TestClient(app) as client:
        assert app.state.datacentre is not None
        response = client.get(f"{API}/health")
        dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
        assert response.json() == {"status": "ok", "database": dialect, "ledger_size": 0}
        key = client.get(f"{API}/ledger/key").text
    assert app.state.datacentre is None
    assert (tmp_path / "life.key").exists()
    assert key.startswith("sitrace.local/ledger+")


def test_without_a_data_centre_the_api_answers_503():
    client = TestClient(create_app())  # no lifespan: nothing was opened
    assert_problem(client.get(f"{API}/health"), 503, detail="not open")


def test_the_openapi_document_lists_every_route(empty_client):
    spec = empty_client.get("/openapi.json").json()
    assert spec["info"] == {
        "title": "sitrace data centre",
        "version": __version__,
        "description": spec["info"]["description"],
    }
    paths = spec["paths"]
    expected = {
        ("get", "/health"),
        ("get", "/organisations"),
        ("post", "/organisations"),
        ("get", "/organisations/{organisation_id}"),
        ("post", "/organisations/{organisation_id}/scope"),
        ("post", "/users"),
        ("get", "/users/me"),
        ("patch", "/users/{user_id}/role"),
        ("get", "/calibrations"),
        ("post", "/calibrations"),
        ("get", "/calibrations/{calibration_id}"),
        ("patch", "/calibrations/{calibration_id}"),
        ("post", "/calibrations/{calibration_id}/withdraw"),
        ("get", "/materials"),
        ("post", "/materials"),
        ("get", "/materials/{material_id}"),
        ("post", "/standards/{item_id}/out-of-tolerance"),
        ("get", "/standards/{item_id}/recall"),
        ("post", "/instruments/{item_id}/shares"),
        ("get", "/ledger/checkpoint"),
        ("get", "/ledger/key"),
        ("get", "/ledger/entries/{index}"),
        ("get", "/ledger/entries/{index}/receipt"),
        ("get", "/ledger/proof/inclusion"),
        ("get", "/ledger/proof/consistency"),
        ("get", "/audit"),
        ("post", "/certificates"),
        ("get", "/certificates"),
        ("get", "/certificates/{certificate_id}"),
        ("get", "/certificates/{certificate_id}/xml"),
        ("get", "/certificates/{certificate_id}/html"),
        ("post", "/certificates/{certificate_id}/verify"),
        ("get", "/comparisons"),
        ("post", "/comparisons"),
        ("get", "/comparisons/cmc-flags"),
        ("get", "/comparisons/{comparison_id}"),
        ("get", "/comparisons/{comparison_id}/report"),
        ("post", "/comparisons/{comparison_id}/results"),
        ("post", "/comparisons/{comparison_id}/evaluate"),
        ("post", "/certificates/verify"),
        ("post", "/certificates/validate"),
        ("post", "/meters/estimates"),
        ("get", "/meters/alerts"),
        ("get", "/meters/alerts/{alert_id}"),
        ("post", "/meters/alerts/{alert_id}/work-orders"),
        ("post", "/meters/alerts/{alert_id}/dismiss"),
        ("post", "/meters/work-orders/{work_order_id}/cancel"),
        ("get", "/meters/work-orders"),
        ("post", "/meters/work-orders/{work_order_id}/verification"),
        ("post", "/meters/lots"),
        ("get", "/meters/lots"),
        ("get", "/meters/validation"),
        ("put", "/interval-policies"),
        ("get", "/interval-policies"),
    }
    for kind in ("standards", "instruments"):
        expected |= {
            ("get", f"/{kind}"),
            ("post", f"/{kind}"),
            ("get", f"/{kind}/{{item_id}}"),
            ("patch", f"/{kind}/{{item_id}}"),
            ("post", f"/{kind}/{{item_id}}/withdraw"),
            ("get", f"/{kind}/{{item_id}}/next-due"),
            ("get", f"/{kind}/{{item_id}}/chain"),
            ("get", f"/{kind}/{{item_id}}/calibrations"),
        }
    listed = {(method, path.removeprefix(API)) for path, ops in paths.items() for method in ops}
    assert listed == expected
    ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    assert "instruments-correct_instrument" in ids
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_the_docs_page_is_served(empty_client):
    response = empty_client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


def test_an_unknown_route_is_a_404_problem(empty_client):
    assert_problem(empty_client.get(f"{API}/nothing-here"), 404)


def test_a_wrong_method_is_a_405_problem(empty_client):
    response = empty_client.delete(f"{API}/health")
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


def test_an_unexpected_error_is_a_500_problem_without_a_trace(datacentre, caplog):
    app = create_app(datacentre=datacentre)

    def boom():
        raise RuntimeError("secret internals at /srv/db line 42")

    app.add_api_route(f"{API}/boom", boom, tags=["test"])
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get(f"{API}/boom")
    body = assert_problem(response, 500)
    assert "secret" not in response.text and "Traceback" not in response.text
    assert body["detail"] == "an unexpected error occurred; it was logged"
    assert "secret internals" in caplog.text


@pytest.mark.parametrize(
    ("family", "status"),
    [
        ("InputError", 422),
        ("UnitError", 422),
        ("DimensionalityError", 422),
        ("NotFoundError", 404),
        ("ConflictError", 409),
        ("PermissionDeniedError", 403),
        ("LedgerError", 500),
    ],
)
def test_each_error_family_has_its_status(datacentre, family, status):
    from sitrace import errors

    app = create_app(datacentre=datacentre)

    def fail():
        raise getattr(errors, family)("what went wrong", where="field 'x'")

    app.add_api_route(f"{API}/fail", fail, tags=["test"])
    client = TestClient(app, raise_server_exceptions=False)
    body = assert_problem(client.get(f"{API}/fail"), status)
    assert body["detail"] == "field 'x': what went wrong"
    assert body["type"].startswith("urn:sitrace:problem:")
