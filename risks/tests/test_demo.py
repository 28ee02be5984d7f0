"""The demo's risk tables: QT.HT.06 §VI's three risks in the agency's table, rows per unit, loaded once."""

import pytest

from qms.demo import load_core, load_small_agency
from risks import demo
from risks.models import Frequency, Impact, Level, Risk


@pytest.mark.django_db
def test_the_demo_holds_qt_ht_06s_own_risks_and_a_few_per_unit_and_loads_idempotently():
    users = load_core()
    demo.load(users)
    small = load_small_agency()
    demo.load_small(small)
    count = Risk.objects.count()
    demo.load(users)
    demo.load_small(small)
    assert Risk.objects.count() == count
    agency = list(Risk.objects.filter(organisation=users["thuky"].organisation, unit__isnull=True).order_by("number"))
    assert [(r.frequency, r.impact, r.level) for r in agency] == [
        (Frequency.RARE, Impact.MAJOR, Level.MEDIUM),
        (Frequency.OCCASIONAL, Impact.MODERATE, Level.MEDIUM),
        (Frequency.OCCASIONAL, Impact.MODERATE, Level.MEDIUM),
    ]
    assert agency[0].description.startswith("Không tổ chức họp xem xét của lãnh đạo")
    units = set(Risk.objects.filter(unit__isnull=False).values_list("unit__code", flat=True))
    assert units == {"VP", "NV", "TTBCXB"}
    assert Risk.objects.filter(history__isnull=False).distinct().count() == 1
    assert Risk.objects.filter(organisation=small["sct.thuky"].organisation).count() == 3
