import pytest

from onewindow.catalog import queries, services
from onewindow.conftest import make_user
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db


def test_breadth_arithmetic(catalog):
    # The fixture's levels: WJ 4, GA 5 and 2, YB 5, RS 3, SJ 5 and 1.
    data = queries.breadth()
    overall = data["overall"]
    assert (overall.items, overall.submit_online, overall.fully_online) == (7, 5, 3)
    assert overall.submit_online_share == pytest.approx(5 / 7)
    assert overall.fully_online_share == pytest.approx(3 / 7)
    by_department = {d["department"]: d["breadth"] for d in data["departments"]}
    assert (
        by_department["310000-GA"].items,
        by_department["310000-GA"].submit_online,
        by_department["310000-GA"].fully_online,
    ) == (2, 1, 1)
    assert by_department["310000-SJ"].as_dict() == {
        "items": 2,
        "l3_plus": 1,
        "l5": 1,
        "l3_plus_share": 0.5,
        "l5_share": 0.5,
        "applications": 0,
        "applications_share": 0.0,
    }
    person, company = data["audiences"]["person"], data["audiences"]["company"]
    assert (person.items, person.submit_online, person.fully_online) == (5, 4, 2)
    assert (company.items, company.submit_online, company.fully_online) == (2, 1, 1)


def test_breadth_counts_the_items_that_take_applications_apart_from_the_levels(catalog):
    from onewindow.catalog.tests.portal_fixtures import open_applications

    # L5 (declared) and connected; L2 and connected; L5 with a form but no process.
    open_applications("310000-GA-QR-0001")
    open_applications("310000-GA-XK-0002")
    services.bind_application(
        actor=None,
        code="310000-SJ-XK-0001",
        form=queries.published_version("310000-GA-QR-0001").form,
        process=None,
    )
    data = queries.breadth()
    overall = data["overall"]
    assert (overall.items, overall.submit_online, overall.applications) == (7, 5, 2)
    assert overall.applications_share == pytest.approx(2 / 7)
    by_department = {d["department"]: d["breadth"] for d in data["departments"]}
    assert (by_department["310000-GA"].applications, by_department["310000-SJ"].applications) == (
        2,
        0,
    )
    assert data["audiences"]["person"].applications == 2
    assert data["audiences"]["company"].applications == 0
    # The same rule as the pages' (``takes_applications``), item by item.
    takes = sum(queries.takes_applications(item.published) for item in queries.published_items())
    assert takes == overall.applications


def test_breadth_counts_published_versions_only(catalog):
    from onewindow.catalog.transfer import version_as_dict

    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["SJ"])])
    data = version_as_dict(queries.published_version("310000-SJ-XK-0002"))
    data["online_level"] = 5
    data["max_visits"] = 0
    services.save_draft(actor=admin, data=data)
    assert queries.breadth()["overall"].fully_online == 3


def test_empty_catalog_breadth_is_zero(db):
    overall = queries.breadth()["overall"]
    assert (overall.items, overall.submit_online_share) == (0, 0.0)


def test_back_office_sees_own_departments_items_only(catalog):
    officer = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    codes = {i.code for i in queries.items_for_officer(officer)}
    assert codes == {"310000-GA-QR-0001", "310000-GA-XK-0002"}
    with pytest.raises(queries.ServiceItem.DoesNotExist):
        queries.item_for_officer(officer, "310000-SJ-XK-0001")
    city = make_user(roles=[(Role.PLATFORM_ADMIN, catalog["root"])])
    assert queries.items_for_officer(city).count() == 7


def test_life_events_in_constant_queries(catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        events = list(queries.life_events())
        names = [s.item.published.name for e in events for s in e.steps.all()]
        deps = [d.item.code for e in events for s in e.steps.all() for d in s.depends_on.all()]
    assert names[0] == "出生医学证明签发" and deps == ["310000-WJ-QR-0001", "310000-GA-QR-0001"]


def test_popular_items_are_the_guides_read_most_read_first_and_no_others(catalog):
    assert queries.popular_items() == []  # nothing read: nothing popular, nothing padded
    for code in ("310000-SJ-XK-0002", "310000-RS-GG-0001", "310000-RS-GG-0001"):
        services.count_view(code)
    codes = [item.code for item in queries.popular_items()]
    assert codes == ["310000-RS-GG-0001", "310000-SJ-XK-0002"]
    assert [item.code for item in queries.popular_items(limit=1)] == ["310000-RS-GG-0001"]


def test_items_taking_applications_are_those_with_a_form_and_a_process(catalog):
    from onewindow.catalog.tests.portal_fixtures import open_applications

    assert queries.items_taking_applications() == []
    for code in ("310000-YB-GG-0001", "310000-GA-QR-0001"):
        open_applications(code)
    codes = [item.code for item in queries.items_taking_applications()]
    assert codes == ["310000-GA-QR-0001", "310000-YB-GG-0001"]
