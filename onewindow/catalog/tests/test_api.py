import pytest
from django.core.serializers.json import DjangoJSONEncoder
from openapi_spec_validator import validate

from onewindow.catalog.models import ServiceItemVersion

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def test_search_endpoint_shape(client, catalog):
    body = client.get("/api/v1/catalog/search", {"q": "hukou"}).json()
    assert body["total"] >= 1
    first = body["results"][0]
    assert first["code"] == "310000-GA-QR-0001"
    assert {"code", "name", "name_en", "department", "online_level", "highlight"} <= set(first)
    assert (first["promised_limit_days"], first["max_visits"]) == (5, 0)
    assert body["events"][0]["code"] == "newborn"


def test_search_filters_by_audience(client, catalog):
    body = client.get("/api/v1/catalog/search", {"q": "登记", "audience": "company"}).json()
    assert [r["code"] for r in body["results"]] == ["310000-SJ-XK-0001"]
    assert body["total"] == 1


def test_search_needs_q(client, catalog):
    response = client.get("/api/v1/catalog/search")
    assert response.status_code == 422
    assert "q" in response.json()["fields"]


@pytest.mark.parametrize(
    ("paging", "field"),
    [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"offset": -3}, "offset")],
)
def test_search_refuses_a_page_out_of_range_as_the_other_lists_do(client, catalog, paging, field):
    response = client.get("/api/v1/catalog/search", {"q": "登记", **paging})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]


def test_search_pages_through_its_results(client, catalog):
    whole = client.get("/api/v1/catalog/search", {"q": "登记"}).json()
    second = client.get("/api/v1/catalog/search", {"q": "登记", "limit": 1, "offset": 1}).json()
    assert second["total"] == whole["total"] >= 2
    assert [r["code"] for r in second["results"]] == [whole["results"][1]["code"]]


def test_item_detail_and_404(client, catalog):
    item = client.get("/api/v1/catalog/items/310000-GA-QR-0001").json()
    assert item["name"] == "新生儿户口登记" and item["version"] == 1
    assert item["materials"][0]["name"] == "居民身份证"
    assert item["promised_limit_days"] == 5 and item["statutory_limit_days"] == 20
    # The guide's English texts, beside their Chinese (empty when not translated).
    assert item["legal_basis"] and item["legal_basis_en"] == ""
    assert {"conditions_en", "fee_basis_en"} <= set(item)
    assert {"certificate_type_en", "notes_en"} <= set(item["materials"][0])
    assert item["offices"][0]["hours_en"] == ""
    # Written as every time the API answers with (Django's JSON encoder: UTC as "Z").
    published = ServiceItemVersion.objects.get(item__code="310000-GA-QR-0001", number=1)
    assert item["published_at"] == DjangoJSONEncoder().default(published.published_at)
    assert item["published_at"].endswith("Z")
    missing = client.get("/api/v1/catalog/items/310000-GA-QR-9999")
    assert missing.status_code == 404
    assert missing.json()["message"]


def test_item_list_filters(client, catalog):
    codes = [
        i["code"] for i in client.get("/api/v1/catalog/items", {"department": "310000-SJ"}).json()
    ]
    assert codes == ["310000-SJ-XK-0001", "310000-SJ-XK-0002"]
    level5 = client.get("/api/v1/catalog/items", {"level": 5}).json()
    assert {i["online_level"] for i in level5} == {5}


def test_breadth_endpoint(client, catalog):
    body = client.get("/api/v1/catalog/breadth").json()
    assert body["overall"] == {
        "items": 7,
        "l3_plus": 5,
        "l5": 3,
        "l3_plus_share": round(5 / 7, 4),
        "l5_share": round(3 / 7, 4),
        "applications": 0,
        "applications_share": 0.0,
    }
    assert body["audiences"]["company"]["items"] == 2


def test_life_events_and_topics(client, catalog):
    events = client.get("/api/v1/catalog/life-events").json()
    assert events[0]["code"] == "newborn"
    event = client.get("/api/v1/catalog/life-events/newborn").json()
    assert [s["item"] for s in event["steps"]] == [
        "310000-WJ-QR-0001",
        "310000-GA-QR-0001",
        "310000-YB-GG-0001",
    ]
    assert event["steps"][1]["depends_on"] == ["310000-WJ-QR-0001"]
    assert event["departments"] == ["310000-WJ", "310000-GA", "310000-YB"]
    assert client.get("/api/v1/catalog/life-events/nope").status_code == 404
    topics = {t["code"]: t["items"] for t in client.get("/api/v1/catalog/topics").json()}
    assert topics["birth"] == 3


def test_catalog_paths_in_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    for path in (
        "/api/v1/catalog/search",
        "/api/v1/catalog/items",
        "/api/v1/catalog/items/{code}",
        "/api/v1/catalog/breadth",
        "/api/v1/catalog/life-events",
        "/api/v1/catalog/life-events/{code}",
        "/api/v1/catalog/topics",
        "/api/v1/departments",
    ):
        assert path in schema["paths"], path


def test_item_list_queries_do_not_grow_with_items(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        items = client.get("/api/v1/catalog/items").json()
    assert len(items) == 7


def test_the_items_come_a_page_at_a_time_by_code(client, catalog):
    whole = client.get("/api/v1/catalog/items")
    codes = [i["code"] for i in whole.json()]
    assert codes == sorted(codes) and len(codes) >= 2
    assert whole["X-Total-Count"] == str(len(codes))
    second = client.get("/api/v1/catalog/items", {"limit": 1, "offset": 1})
    assert [i["code"] for i in second.json()] == codes[1:2]
    assert second["X-Total-Count"] == str(len(codes))
    assert client.get("/api/v1/catalog/items", {"limit": 0}).status_code == 422
