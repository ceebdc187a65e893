"""The demo catalog loads through the services, twice without change, and its figures
are those of a city part of the way online."""

import pytest

from onewindow.catalog import queries
from onewindow.catalog.demo import load_demo_catalog
from onewindow.catalog.models import LifeEvent, ServiceItem, ServiceItemVersion, Synonym
from onewindow.identity.demo import load_demo_city

pytestmark = pytest.mark.django_db


def test_demo_catalog_loads_once_and_is_realistic():
    load_demo_city()
    first = load_demo_catalog()
    counts = (
        ServiceItem.objects.count(),
        ServiceItemVersion.objects.count(),
        LifeEvent.objects.count(),
        Synonym.objects.count(),
    )
    assert first["items"] >= 120 and first["life_events"] >= 12
    assert load_demo_catalog() == {"items": 0, "life_events": 0}
    assert counts == (
        ServiceItem.objects.count(),
        ServiceItemVersion.objects.count(),
        LifeEvent.objects.count(),
        Synonym.objects.count(),
    )
    breadth = queries.breadth()
    assert len(breadth["departments"]) >= 20
    assert 0.5 < breadth["overall"].submit_online_share < 1.0
    assert 0.05 < breadth["overall"].fully_online_share < 0.5
    assert {e.audience for e in LifeEvent.objects.all()} == {"person", "company"}
    # The newborn journey spans four departments, in order.
    newborn = queries.life_event("newborn")
    assert len({s.item.department_id for s in newborn.steps.all()}) >= 4
