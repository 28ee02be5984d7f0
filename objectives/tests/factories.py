import datetime as dt
from decimal import Decimal

import factory

from objectives.models import Measurement, Objective, Plan, PlanAction
from qms.tests.factories import UserFactory, default_organisation


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    year = 2026
    unit = None
    created_by = factory.SubFactory(UserFactory)
    # The unit's agency; an agency plan is its drafter's agency's.
    organisation = factory.LazyAttribute(
        lambda plan: plan.unit.organisation if plan.unit else (plan.created_by.organisation or default_organisation())
    )


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    statement = factory.Sequence(lambda n: f"Giải quyết đúng hạn hồ sơ nhóm {n}")
    indicator = "Tỷ lệ hồ sơ giải quyết đúng hạn"
    unit_of_measure = "percent"
    direction = "higher"
    aggregation = "level"
    target = Decimal("95")
    frequency = "quarterly"
    evaluation_method = "So sánh số liệu theo quý với chỉ tiêu"
    policy_consistency = "Nhất quán với CSCL về giải quyết đúng hạn"


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    objective = factory.SubFactory(ObjectiveFactory)
    description = "Theo dõi hồ sơ trên hệ thống, cảnh báo sắp đến hạn"
    resources = "Phần mềm một cửa"
    responsible = "Bộ phận một cửa"
    deadline = dt.date(2026, 12, 15)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    objective = factory.SubFactory(ObjectiveFactory)
    period = 1
    value = Decimal("96")
    measured_on = dt.date(2026, 4, 3)
    recorded_by = factory.SubFactory(UserFactory)
