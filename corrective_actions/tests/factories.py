import datetime as dt

import factory
from django.utils import timezone

from corrective_actions.models import Kind, Source, Ticket, TicketStatus
from qms.tests.factories import UnitFactory, UserFactory


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket written straight to the table (for lists and exports); workflows go through services."""

    class Meta:
        model = Ticket

    organisation = factory.SelfAttribute("requesting_unit.organisation")
    number = factory.Sequence(lambda n: n + 1)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    status = TicketStatus.OPEN
    requesting_unit = factory.SubFactory(UnitFactory)  # UnitFactory(organisation=…) for another agency
    unit = factory.SelfAttribute("requesting_unit")
    kind = Kind.CORRECTIVE
    source = Source.NONCONFORMITY
    process = "Quy trình kiểm soát hồ sơ"
    clause = "5.2"
    description = factory.Sequence(lambda n: f"Hồ sơ số {n} thiếu chữ ký người thẩm định")
    description_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=6))
    requester = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..requesting_unit"))
    assignee = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..requesting_unit"))
    implementing_unit = factory.SelfAttribute("requesting_unit")
