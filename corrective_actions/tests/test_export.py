"""The Excel export at size (issue 15): every row's values as the ticket shows them, the same queries for 5
tickets as for 200 (read as values, labels translated once), and a list longer than QMS_EXPORT_SYNC_MAX
written by the worker with its progress on a page that reloads itself."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from corrective_actions import exports
from corrective_actions.models import Source, Ticket, TicketStatus, Verification
from corrective_actions.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_each_column_of_the_export_shows_what_the_ticket_shows(client, secretary, unit, today):
    before = TicketFactory(requesting_unit=unit, number=3, status=TicketStatus.CLOSED)
    ticket = TicketFactory(
        requesting_unit=unit,
        number=7,
        status=TicketStatus.REPORTED,
        source=Source.OTHER,
        source_other="Ý kiến công dân qua đường dây nóng",
        completion_date=today - dt.timedelta(days=2),
        verification=Verification.PASSED,
        predecessor=before,
    )
    ticket.requester.full_name = ""
    ticket.requester.first_name, ticket.requester.last_name = "Lan", "Nguyễn Thị"
    ticket.requester.save()
    ticket.refresh_from_db()
    client.force_login(secretary)
    ws = sheet(client.get(reverse("corrective_actions:export")).content)
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    row = rows[ticket.number_display]
    assert [c.value for c in row][2:] == [
        unit.name,
        ticket.unit.name,
        ticket.get_kind_display(),
        ticket.source_display,
        ticket.process,
        ticket.clause,
        ticket.description,
        ticket.requester.display_name,
        ticket.get_status_display(),
        ticket.implementing_unit.name,
        ticket.assignee.display_name,
        dt.datetime.combine(ticket.completion_date, dt.time()),
        None,  # reported: not overdue (an empty cell)
        ticket.get_verification_display(),
        before.number_display,
    ]
    assert row[1].value == dt.datetime.combine(ticket.description_date, dt.time()) and row[1].number_format == "DD/MM/YYYY"
    assert row[13].number_format == "DD/MM/YYYY"
    assert ticket.requester.display_name == "Lan Nguyễn Thị"


def test_the_export_costs_the_same_queries_for_5_and_200_tickets(client, secretary, unit):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("corrective_actions:export")).status_code == 200
        return len(captured)

    client.force_login(secretary)
    TicketFactory.create_batch(5, requesting_unit=unit)
    few = queries()
    Ticket.objects.bulk_create(TicketFactory.build_batch(195, requesting_unit=unit, requester=secretary, assignee=secretary))
    assert queries() == few


def test_a_long_list_is_exported_by_the_worker_with_its_progress_shown_meanwhile(client, secretary, committee_head, unit, settings):
    settings.QMS_EXPORT_SYNC_MAX = 3
    TicketFactory.create_batch(5, requesting_unit=unit)
    client.force_login(secretary)
    url = reverse("corrective_actions:export")
    with mock.patch("corrective_actions.tasks.export_tickets_xlsx.delay") as queued:
        waiting = client.get(url, {"status": ""})
    assert waiting.status_code == 202 and queued.call_count == 1
    assert "Đang tạo tệp Excel: đã ghi 0 / 5 phiếu" in waiting.content.decode()
    assert '<meta http-equiv="refresh"' in waiting.content.decode()
    user_id, params, key = queued.call_args.args
    assert exports.export_build(user_id=user_id, params=params, key=key) == exports.READY
    done = client.get(url, {"status": ""})
    assert done["Content-Type"].startswith("application/vnd.openxmlformats") and sheet(done.content).max_row == 6
    # Another person asking for the same list gets their own export, never this file.
    client.force_login(committee_head)
    with mock.patch("corrective_actions.tasks.export_tickets_xlsx.delay") as queued:
        assert client.get(url, {"status": ""}).status_code == 202
    assert queued.call_args.args[0] == committee_head.pk


def test_with_a_worker_the_long_export_is_ready_on_the_first_request(client, secretary, unit, settings):
    settings.QMS_EXPORT_SYNC_MAX = 3
    TicketFactory.create_batch(5, requesting_unit=unit)
    client.force_login(secretary)
    response = client.get(reverse("corrective_actions:export"))  # eager in tests: the task ran already
    assert response.status_code == 200 and sheet(response.content).max_row == 6


def test_a_failed_long_export_says_so_and_offers_a_retry(client, secretary, unit, settings):
    settings.QMS_EXPORT_SYNC_MAX = 3
    TicketFactory.create_batch(5, requesting_unit=unit)
    client.force_login(secretary)
    with mock.patch("corrective_actions.exports.tickets_xlsx", side_effect=RuntimeError("boom")):
        failed = client.get(reverse("corrective_actions:export"))
    assert failed.status_code == 200 and "Không tạo được tệp Excel" in failed.content.decode()
    assert "retry=1" in failed.content.decode()
    retried = client.get(reverse("corrective_actions:export"), {"retry": "1"})
    assert retried.status_code == 200 and sheet(retried.content).max_row == 6


# --- "My work" paginated (issue 15) ---


def test_my_work_shows_25_tickets_a_page_in_each_list_with_the_same_queries_for_few_and_many(client, unit, staff_user):
    def page(query: dict) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("corrective_actions:my_work"), query)
        assert response.status_code == 200
        return response.content.decode(), len(captured)

    client.force_login(staff_user)
    TicketFactory.create_batch(3, requesting_unit=unit, assignee=staff_user, requester=staff_user, status=TicketStatus.IN_PROGRESS)
    _html, few = page({})
    Ticket.objects.bulk_create(
        TicketFactory.build_batch(57, requesting_unit=unit, assignee=staff_user, requester=staff_user, status=TicketStatus.IN_PROGRESS)
    )
    html, many = page({})
    assert many == few
    assert html.count('data-testid="awaiting"') == 1 and "Trang 1/3" in html
    assert "mine_page=2" in html and "?page=2" in html
    last, _count = page({"page": 3, "mine_page": 3})
    assert last.count("Trang 3/3") == 2
