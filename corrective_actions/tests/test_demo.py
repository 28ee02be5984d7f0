import pytest

from corrective_actions import demo
from corrective_actions.models import Ticket, TicketStatus
from qms.demo import load_core
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
