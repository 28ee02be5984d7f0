import factory

from qms.tests.factories import UnitFactory, UserFactory, default_organisation
from risks.models import Frequency, Impact, Kind, Level, Risk


class RiskFactory(factory.django.DjangoModelFactory):
    """A row written directly (the level given as the default matrix has it); tests of the rules go
    through risks.services."""

    class Meta:
        model = Risk

    organisation = factory.LazyFunction(default_organisation)
    unit = factory.SubFactory(UnitFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = Kind.RISK
    process = "Họp xem xét của lãnh đạo"
    description = factory.Sequence(lambda n: f"Đơn vị nộp báo cáo chậm thời hạn {n}")
    cause = "Không theo dõi thời hạn"
    frequency = Frequency.OCCASIONAL
    impact = Impact.MODERATE
    level = Level.MEDIUM
    response = "Lãnh đạo đơn vị chú ý thời hạn, chỉ đạo nộp báo cáo đúng hạn."
    owner = "Lãnh đạo đơn vị"
    created_by = factory.SubFactory(UserFactory)


__all__ = ["RiskFactory"]
