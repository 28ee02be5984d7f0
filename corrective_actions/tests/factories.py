import datetime as dt

import factory

from qms.tests.factories import UnitFactory, UserFactory
from corrective_actions.models import Kind, Source, Ticket, TicketStatus


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket written straight to the table (for lists and exports); workflows go through services."""

    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: n + 1)
    year = 2026
    status = TicketStatus.OPEN
    requesting_unit = factory.SubFactory(UnitFactory)
    unit = factory.SelfAttribute("requesting_unit")
    kind = Kind.CORRECTIVE
    source = Source.NONCONFORMITY
    process = "Quy trình kiểm soát hồ sơ"
    clause = "5.2"
    description = factory.Sequence(lambda n: f"Hồ sơ số {n} thiếu chữ ký người thẩm định")
    description_date = dt.date(2026, 11, 20)
    requester = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..requesting_unit"))
    assignee = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..requesting_unit"))
    implementing_unit = factory.SelfAttribute("requesting_unit")
