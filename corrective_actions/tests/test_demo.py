import pytest

from corrective_actions import demo
from corrective_actions.models import Ticket, TicketStatus
from qms.demo import load_core, load_small_agency
from qms.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_an_overdue_ticket_and_a_failed_chain_and_loads_twice_unchanged():
    users = load_core()
    demo.load(users)
    counts = (Ticket.objects.count(), AuditEntry.objects.count())
    assert set(Ticket.objects.values_list("status", flat=True)) == set(TicketStatus.values)
    assert Ticket.objects.overdue().exists()
    assert Ticket.objects.filter(predecessor__status=TicketStatus.INEFFECTIVE).exists()
    demo.load(users)
    assert (Ticket.objects.count(), AuditEntry.objects.count()) == counts


def test_the_small_agency_has_its_own_tickets_numbered_from_01_one_of_them_closed_and_loads_twice_unchanged():
    core = load_core()
    demo.load(core)
    users = load_small_agency()
    demo.load_small(users)
    small = Ticket.objects.filter(organisation__code="so-cong-thuong")
    assert sorted(small.values_list("number", flat=True)) == [1, 2, 3]
    assert small.filter(status=TicketStatus.CLOSED).count() == 1
    assert set(small.values_list("requester__username", flat=True)) <= {u for u in users if u.startswith("sct.")}
    assert not small.filter(requesting_unit__organisation__code="cuc-ttdn").exists()
    counts = (Ticket.objects.count(), AuditEntry.objects.count())
    demo.load_small(users)
    assert (Ticket.objects.count(), AuditEntry.objects.count()) == counts
