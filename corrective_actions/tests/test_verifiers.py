"""QT.CTCL 5.6: "Lãnh đạo Sở (hoặc người được ủy quyền)" checks the result — the people the agency's
settings name (qms.people.ticket_verifiers), else its top leader; the committee head as such does not."""

import pytest

from corrective_actions import rules
from qms.errors import NotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.no_named_verifier]


def test_a_committee_head_the_settings_do_not_name_cannot_verify(drive, committee_head, top_leader):
    ticket = drive("reported")
    assert not rules.can_verify(committee_head, ticket)
    assert rules.can_verify(top_leader, ticket)
    assert "verify" not in rules.ticket_actions(committee_head, ticket)


def test_the_top_leader_verifies_when_the_settings_name_nobody(drive, top_leader, organisation):
    ticket = drive("reported")
    assert organisation.ticket_verifiers.count() == 0
    assert rules.leaders_of(ticket) == [top_leader]


def test_a_named_delegate_verifies_and_the_top_leader_then_does_not(drive, top_leader, committee_member, organisation):
    ticket = drive("reported")
    organisation.ticket_verifiers.add(committee_member)
    assert rules.can_verify(committee_member, ticket)
    assert not rules.can_verify(top_leader, ticket)
    assert rules.leaders_of(ticket) == [committee_member]


def test_the_verification_service_refuses_a_head_who_is_not_a_verifier(drive, committee_head, top_leader):
    from corrective_actions import services
    from corrective_actions.models import Verification

    ticket = drive("reported")
    with pytest.raises(NotAllowed):
        services.ticket_verify(ticket=ticket, actor=committee_head, verification=Verification.PASSED, note="Đạt.")
    services.ticket_verify(ticket=ticket, actor=top_leader, verification=Verification.PASSED, note="Đạt.")
    ticket.refresh_from_db()
    assert ticket.verified_by == top_leader


def test_a_failed_verification_tells_the_agencys_ticket_verifiers_about_the_new_ticket(drive, top_leader, committee_member, organisation):
    """5.7: the new ticket goes "chuyển cho Lãnh đạo Sở": each named verifier is told, not only the committee head."""
    from corrective_actions import services
    from corrective_actions.models import Verification
    from qms.models import Notification

    ticket = drive("reported")
    organisation.ticket_verifiers.add(top_leader, committee_member)
    successor = services.ticket_verify(ticket=ticket, actor=top_leader, verification=Verification.FAILED, note="Vẫn trả chậm.")
    assert successor is not None
    told = set(Notification.objects.filter(url=successor.get_absolute_url()).values_list("recipient_id", flat=True))
    assert committee_member.pk in told and top_leader.pk in told
