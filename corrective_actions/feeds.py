"""Tickets in a person's calendar feed (qms.feeds): the completion date (Box 2) of each ticket assigned to
them, or carried out by the unit they head. One query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from qms.feeds import FeedEvent
from qms.models import User
from qms.roles import Role

from .models import Ticket

SUMMARY_CHARS = 80


def ticket_events(user: User, first: dt.date, last: dt.date) -> list[FeedEvent]:
    if not user.organisation_id:
        return []
    mine = Q(assignee=user) | Q(implementing_unit_head=user)
    if user.unit_id and user.has_role(Role.UNIT_HEAD):
        mine |= Q(implementing_unit_id=user.unit_id)
    tickets = Ticket.objects.filter(mine, organisation_id=user.organisation_id, completion_date__range=(first, last))
    return [
        FeedEvent(
            uid=f"ticket-{ticket.pk}-completion",
            summary=_("Hạn hoàn thành phiếu %(number)s: %(description)s")
            % {"number": ticket.number_display, "description": ticket.description[:SUMMARY_CHARS]},
            start=ticket.completion_date,
            description=_("%(measure)s\nTrạng thái: %(status)s") % {"measure": ticket.measure, "status": ticket.get_status_display()},
            url=ticket.get_absolute_url(),
            last_modified=ticket.updated_at,
            sequence=ticket.version,
        )
        for ticket in tickets.order_by("completion_date", "pk")
        if ticket.completion_date is not None
    ]
