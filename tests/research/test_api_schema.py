"""The OpenAPI schema the site serves, and every API response checked against it.

OpenAPI 3.0 schemas are turned into JSON Schema (nullable -> a null alternative) and objects are
closed (no undocumented fields), then responses are validated with jsonschema.
"""

from __future__ import annotations

import jsonschema
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from community.services.scorecards import scorecard_ensure, scorecard_submit
from tests.conftest import membership_of
from tests.factories import DiscussionFactory
from tests.research.exports_helpers import build_corpus
from tests.research.test_api import api_for

FILTERS = ("discussion", "segment", "date_from", "date_to", "brand")

ENDPOINTS = [
    ("api:communities", "/api/v1/communities/", False),
    ("api:themes", "/api/v1/communities/{slug}/themes/", True),
    ("api:gap", "/api/v1/communities/{slug}/gap/", True),
    ("api:posts", "/api/v1/communities/{slug}/posts/", True),
]


@pytest.fixture
def corpus(community, alice, bob, carol):
    corpus = build_corpus(community, alice=alice, bob=bob)
    activity = DiscussionFactory(community=community, kind="scorecard", title="Rate Acme")
    scorecard = scorecard_ensure(discussion=activity)
    ratings = {d.pk: 12 for d in scorecard.dimensions.all()}
    scorecard_submit(scorecard=scorecard, member=membership_of(bob, community), ratings=ratings)
    return corpus


@pytest.fixture
def openapi(db) -> dict:
    response = APIClient().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _to_jsonschema(node):
    if isinstance(node, list):
        return [_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_jsonschema(value) for key, value in node.items() if key != "nullable"}
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable") is True:
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def validator_for(openapi: dict, path: str, status: str = "200") -> jsonschema.Draft202012Validator:
    operation = openapi["paths"][path]["get"]
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    document = {"components": _to_jsonschema(openapi["components"]), **_to_jsonschema(schema)}
    return jsonschema.Draft202012Validator(document)


def test_it_serves_an_openapi_schema_with_every_endpoint_and_token_auth(openapi):
    assert openapi["openapi"].startswith("3.")
    for _, path, _ in ENDPOINTS:
        assert "get" in openapi["paths"][path], path
        assert not {"post", "put", "patch", "delete"} & set(openapi["paths"][path])
    assert openapi["components"]["securitySchemes"]["tokenAuth"]["type"] == "apiKey"
    posts = openapi["paths"]["/api/v1/communities/{slug}/posts/"]["get"]
    assert {"limit", "offset", "discussion"} <= {p["name"] for p in posts["parameters"]}


@pytest.mark.parametrize(("name", "path", "scoped"), ENDPOINTS)
@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_every_response_matches_the_schema(request, openapi, corpus, name, path, scoped, persona):
    user = request.getfixturevalue(persona)
    response = api_for(user).get(reverse(name, args=["acme"] if scoped else []))
    assert response.status_code == 200
    data = response.json()
    validator_for(openapi, path).validate(data)
    assert data, "something was checked"


def test_the_schema_check_catches_an_undocumented_field_and_a_wrong_type(openapi, corpus, carol):
    data = api_for(carol).get(reverse("api:posts", args=["acme"])).json()
    validator = validator_for(openapi, "/api/v1/communities/{slug}/posts/")
    validator.validate(data)
    leaky = {**data, "results": [{**data["results"][0], "real_name": "Bob Participant"}]}
    assert not validator.is_valid(leaky)
    wrong = {**data, "results": [{**data["results"][0], "id": "one"}]}
    assert not validator.is_valid(wrong)


FILTERED = [e for e in ENDPOINTS if e[2]]


@pytest.mark.parametrize(("name", "path", "scoped"), FILTERED)
def test_it_documents_the_dashboards_filters_as_query_parameters(openapi, name, path, scoped):
    parameters = {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"]}
    assert all(parameters[n]["in"] == "query" for n in FILTERS)
    assert parameters["discussion"]["schema"]["type"] == "integer"
    assert parameters["date_from"]["schema"] == {"type": "string", "format": "date"}
    assert parameters["date_to"]["schema"] == {"type": "string", "format": "date"}
    assert "any case" in parameters["brand"]["description"]
    assert "400" in openapi["paths"][path]["get"]["responses"]


@pytest.mark.parametrize(("name", "path", "scoped"), FILTERED)
@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_filtered_responses_match_the_schema(request, openapi, corpus, name, path, scoped, persona):
    user = request.getfixturevalue(persona)
    params = {"segment": "app users", "brand": "acme", "date_from": "2020-01-01"}
    response = api_for(user).get(reverse(name, args=["acme"]), params)
    assert response.status_code == 200
    data = response.json()
    validator_for(openapi, path).validate(data)
    assert data


@pytest.mark.parametrize(("name", "path", "scoped"), FILTERED)
def test_a_bad_filter_answer_matches_the_schema(openapi, corpus, carol, name, path, scoped):
    response = api_for(carol).get(reverse(name, args=["acme"]), {"date_from": "yesterday", "brand": "x"})
    assert response.status_code == 400
    validator = validator_for(openapi, path, "400")
    validator.validate(response.json())
    assert not validator.is_valid({**response.json(), "date_from": "not a list"})


@pytest.mark.parametrize(("name", "path", "scoped"), ENDPOINTS)
def test_an_unknown_parameter_answer_matches_the_schema(openapi, corpus, carol, name, path, scoped):
    response = api_for(carol).get(reverse(name, args=["acme"] if scoped else []), {"segmnet": "x"})
    assert response.status_code == 400
    validator = validator_for(openapi, path, "400")
    validator.validate(response.json())
    assert not validator.is_valid({**response.json(), "unknown": "segmnet"})
    # Every parameter it names as accepted is one the schema documents.
    documented = {p["name"] for p in openapi["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    assert set(response.json()["accepted"]) == documented


PAGED = [e for e in ENDPOINTS if e[0] != "api:gap"]


@pytest.mark.parametrize(("name", "path", "scoped"), PAGED)
def test_it_documents_the_paging_limits_and_a_bad_page_answer(openapi, corpus, carol, name, path, scoped):
    operation = openapi["paths"][path]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["offset"]["schema"] == {"type": "integer", "minimum": 0}
    assert "at most 500" in parameters["limit"]["description"]
    assert "400" in parameters["offset"]["description"]
    response = api_for(carol).get(
        reverse(name, args=["acme"] if scoped else []), {"limit": "-1", "offset": "x"}
    )
    assert response.status_code == 400
    validator = validator_for(openapi, path, "400")
    validator.validate(response.json())
    assert not validator.is_valid({**response.json(), "limit": "not a list"})


@pytest.mark.parametrize(("name", "path", "scoped"), ENDPOINTS)
def test_it_documents_the_formats_and_an_unknown_format_answer(openapi, corpus, carol, name, path, scoped):
    parameters = {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"]}
    assert sorted(parameters["format"]["schema"]["enum"]) == ["api", "json"]
    response = api_for(carol).get(reverse(name, args=["acme"] if scoped else []), {"format": "csv"})
    assert response.status_code == 400
    validator_for(openapi, path, "400").validate(response.json())


def test_it_serves_the_api_docs_page(client, db):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert reverse("api:schema").encode() in response.content


def test_it_serves_the_api_docs_page_without_any_outside_asset(client, alice, community):
    client.force_login(alice)
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
