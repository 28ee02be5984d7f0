from decimal import Decimal

import pytest
from django.urls import reverse

from objectives import services
from objectives.models import Objective, PlanStatus, Result
from objectives.tests.conftest import plan_with_objective
from qms.errors import ServiceError

corrective_actions = pytest.importorskip("corrective_actions.models")


@pytest.mark.django_db
def test_an_objective_not_achieved_opens_a_corrective_action_ticket_in_one_click(client, unit, unit_head, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.EVALUATED, statement="Giải quyết đúng hạn 98% hồ sơ")
    plan.objectives.update(result=Result.NOT_ACHIEVED, actual_value=Decimal("91"), reasons="Thiếu nhân sự")
    objective = plan.objectives.get()
    client.force_login(unit_head)
    page = client.get(reverse("objectives:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="open-ticket"' in page
    response = client.post(reverse("objectives:objective_ticket", args=[objective.pk]), follow=True)
    ticket = corrective_actions.Ticket.objects.get()
    assert ticket.source == "process_results" and ticket.unit == unit
    assert ticket.status == corrective_actions.TicketStatus.OPEN  # waits for the unit head (5.2.2)
    assert "Giải quyết đúng hạn 98% hồ sơ" in ticket.description and "Thiếu nhân sự" in ticket.description
    assert Objective.objects.get(pk=objective.pk).ticket_id == ticket.pk
    assert "Đã mở phiếu HĐKP" in response.content.decode()
    with pytest.raises(ServiceError, match="đã có phiếu"):
        services.objective_ticket_open(actor=unit_head, objective=Objective.objects.get(pk=objective.pk))
    assert corrective_actions.Ticket.objects.count() == 1


@pytest.mark.django_db
def test_an_achieved_objective_does_not_open_a_ticket(unit, unit_head, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.EVALUATED)
    plan.objectives.update(result=Result.ACHIEVED, actual_value=Decimal("99"))
    with pytest.raises(ServiceError, match="không đạt"):
        services.objective_ticket_open(actor=unit_head, objective=plan.objectives.get())
    assert not corrective_actions.Ticket.objects.exists()
