"""A ticket BM.CTCL.01 may cite the row of a risk table it responds to (issue 14); only a row its opener reads."""

import pytest
from django.urls import reverse
from django.utils import timezone

from corrective_actions.models import Ticket
from corrective_actions.services import ticket_open
from qms.errors import ServiceError
from risks.tests.factories import RiskFactory


@pytest.mark.django_db
def test_a_ticket_cites_a_risk_of_the_openers_unit_and_shows_it(client, staff_user, unit, organisation):
    risk = RiskFactory(organisation=organisation, unit=unit, description="Hồ sơ trả chậm do thiếu nhân lực")
    client.force_login(staff_user)
    form = client.get(reverse("corrective_actions:create") + f"?risk={risk.pk}").content.decode()
    assert f'<option value="{risk.pk}" selected>' in form
    response = client.post(
        reverse("corrective_actions:create"),
        {
            "requesting_unit": unit.pk,
            "unit": unit.pk,
            "kind": "corrective",
            "source": "nonconformity",
            "description": "Trả hồ sơ chậm 2 ngày",
            "description_date": timezone.localdate().strftime("%d/%m/%Y"),
            "risk": risk.pk,
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.risk == risk and list(risk.tickets.all()) == [ticket]
    page = client.get(reverse("corrective_actions:detail", args=[ticket.pk])).content.decode()
    assert reverse("risks:detail", args=[risk.pk]) in page and "Hồ sơ trả chậm do thiếu nhân lực" in page


@pytest.mark.django_db
def test_a_risk_of_another_unit_or_agency_cannot_be_cited(client, staff_user, unit, other_unit, organisation, other_organisation):
    theirs = RiskFactory(organisation=organisation, unit=other_unit)
    foreign = RiskFactory(organisation=other_organisation, unit=None)
    for risk in (theirs, foreign):
        with pytest.raises(ServiceError):
            ticket_open(actor=staff_user, requesting_unit=unit, description="x", risk=risk)
    client.force_login(staff_user)
    response = client.post(
        reverse("corrective_actions:create"),
        {
            "requesting_unit": unit.pk,
            "unit": unit.pk,
            "kind": "corrective",
            "source": "nonconformity",
            "description": "x",
            "risk": theirs.pk,
        },
    )
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "Bạn không xem được dòng bảng phân tích rủi ro này." in response.content.decode()
