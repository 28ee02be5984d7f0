"""The figures of corrective actions on the provincial overview, one count per agency from one grouped
query, each linking down to the agency's finished tickets in the list (the overseer reads no other).

- open_tickets: the tickets numbered in the year that are not finished yet (not handled directly, not
  closed): the agency's backlog of that year. Its link opens the agency's finished tickets of that year,
  since the open ones are its working records, not the overseer's to read.
- failed_tickets: the tickets whose result was verified not effective in the year (closed as not
  effective, a new ticket opened); its link lists exactly those."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.models import Organisation
from qms.overview import Figure

from .models import FINAL_STATES, Ticket, TicketStatus


def _list_url(**params: object) -> str:
    return f"{reverse('corrective_actions:list')}?{urlencode(params)}"


def _open_link(organisation: Organisation, year: int) -> str:
    return _list_url(organisation=organisation.pk, year=year)


def _failed_link(organisation: Organisation, year: int) -> str:
    return _list_url(organisation=organisation.pk, verified_year=year, status=TicketStatus.INEFFECTIVE)


# Lazy labels (translated when the overview is shown); Figure.label is typed str in the core.
FIGURES = [
    Figure("open_tickets", _("Phiếu HĐKP đang mở"), _open_link),
    Figure("failed_tickets", _("Phiếu HĐKP không hiệu lực"), _failed_link),
]


def ticket_counts(organisations: Sequence[Organisation], year: int) -> dict[int, dict[str, int]]:
    """{agency pk: {"open_tickets": n, "failed_tickets": m}} in one query, whatever the number of agencies."""
    rows = (
        Ticket.objects.filter(organisation__in=[org.pk for org in organisations])
        .order_by()  # the model's ordering would join the GROUP BY
        .values("organisation")
        .annotate(
            open_tickets=Count("pk", filter=Q(year=year) & ~Q(status__in=FINAL_STATES)),
            failed_tickets=Count("pk", filter=Q(status=TicketStatus.INEFFECTIVE, verified_on__year=year)),
        )
    )
    return {row["organisation"]: {"open_tickets": row["open_tickets"], "failed_tickets": row["failed_tickets"]} for row in rows}
