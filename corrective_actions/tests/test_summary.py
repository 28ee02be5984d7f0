"""The tickets of a period summarised as text (the management review's input on nonconformities and
corrective actions, BM.HT.06.03 section 3)."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corrective_actions.models import Kind, TicketStatus
from corrective_actions.summary import tickets_summary
from corrective_actions.tests.factories import TicketFactory
from qms.tests.factories import UnitFactory, default_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_thursday_26_november_2026(travel):
    """The dates below are written for the clock at Thursday 26/11/2026: services that compare the day
    they are given with the clock (tickets opened up to today) then take their everyday path."""
    travel(dt.date(2026, 11, 26))


SINCE, UNTIL = dt.date(2026, 6, 1), dt.date(2026, 11, 26)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def ticket(*, opened: dt.date, status: str = TicketStatus.SUBMITTED, closed: dt.date | None = None, **kwargs):
    return TicketFactory(status=status, created_at=at(opened), closed_at=at(closed) if closed else None, **kwargs)


def line(text: str, start: str) -> str:
    return next(row for row in text.splitlines() if row.startswith(start))


def test_it_counts_the_tickets_opened_in_the_period_by_kind_and_present_state(unit):
    ticket(opened=dt.date(2026, 7, 1), kind=Kind.CORRECTIVE, requesting_unit=unit)
    ticket(
        opened=dt.date(2026, 8, 1),
        kind=Kind.PREVENTIVE,
        status=TicketStatus.IN_PROGRESS,
        requesting_unit=unit,
        completion_date=dt.date(2026, 12, 31),
    )
    ticket(opened=dt.date(2026, 9, 1), kind=Kind.CORRECTIVE, status=TicketStatus.CLOSED, closed=dt.date(2026, 10, 1))
    ticket(opened=dt.date(2026, 5, 31), kind=Kind.CORRECTIVE)  # the day before the period
    ticket(opened=dt.date(2026, 11, 27), kind=Kind.CORRECTIVE)  # the day after

    text = tickets_summary(SINCE, UNTIL, organisation=default_organisation())

    assert text.splitlines()[0] == "Phiếu yêu cầu hành động khắc phục/cải tiến (BM.CTCL.01) từ 01/06/2026 đến 26/11/2026:"
    assert line(text, "- Mở mới") == "- Mở mới: 3 phiếu (hành động khắc phục: 2; phòng ngừa/cải tiến: 1)."
    states = line(text, "- Trạng thái hiện nay")
    assert (
        f"{TicketStatus.SUBMITTED.label}: 1" in states
        and f"{TicketStatus.IN_PROGRESS.label}: 1" in states
        and f"{TicketStatus.CLOSED.label}: 1" in states
    )


def test_it_counts_what_ended_in_the_period_by_outcome(unit):
    ticket(opened=dt.date(2026, 3, 1), status=TicketStatus.CLOSED, closed=dt.date(2026, 6, 1))
    ticket(opened=dt.date(2026, 7, 1), status=TicketStatus.INEFFECTIVE, closed=dt.date(2026, 8, 1))
    ticket(opened=dt.date(2026, 7, 2), status=TicketStatus.CORRECTED, closed=dt.date(2026, 7, 3))
    ticket(opened=dt.date(2026, 1, 1), status=TicketStatus.CLOSED, closed=dt.date(2026, 5, 31))  # before the period

    text = tickets_summary(SINCE, UNTIL, organisation=default_organisation())

    assert line(text, "- Đã kết thúc") == (
        "- Đã kết thúc: 3 phiếu (đóng, có hiệu lực: 1; không hiệu lực, mở phiếu mới: 1; xử lý trực tiếp: 1)."
    )


def test_it_lists_every_ticket_still_open_with_its_unit_state_and_completion_date_and_flags_the_overdue(unit, other_unit):
    late = ticket(
        opened=dt.date(2026, 2, 1),
        status=TicketStatus.IN_PROGRESS,
        requesting_unit=unit,
        completion_date=dt.date(2026, 11, 20),
        description="Sổ công văn đến thiếu 03 văn bản",
    )
    waiting = ticket(
        opened=dt.date(2026, 10, 1),
        status=TicketStatus.PRESENTED,
        requesting_unit=other_unit,
        implementing_unit=None,
        completion_date=None,
        description="Biểu mẫu trên cổng thông tin là phiên bản cũ",
    )
    ticket(opened=dt.date(2026, 10, 2), status=TicketStatus.CLOSED, closed=dt.date(2026, 11, 1))

    text = tickets_summary(SINCE, UNTIL, organisation=default_organisation())

    assert line(text, "- Đang mở") == "- Đang mở: 2 phiếu, trong đó quá hạn hoàn thành: 1 phiếu."
    rows = text.split("Các phiếu đang mở:\n")[1].splitlines()
    assert rows == [
        f"- Phiếu số {late.number_display} — {unit.name} — {TicketStatus.IN_PROGRESS.label} — ngày hoàn thành: 20/11/2026 (quá hạn)"
        " — Sổ công văn đến thiếu 03 văn bản",
        f"- Phiếu số {waiting.number_display} — {other_unit.name} — {TicketStatus.PRESENTED.label} — ngày hoàn thành: chưa ấn định"
        " — Biểu mẫu trên cổng thông tin là phiên bản cũ",
    ]


def test_a_ticket_due_on_the_last_day_is_not_yet_overdue(unit):
    ticket(opened=dt.date(2026, 9, 1), status=TicketStatus.IN_PROGRESS, completion_date=UNTIL)
    text = tickets_summary(SINCE, UNTIL, organisation=default_organisation())
    assert "trong đó quá hạn hoàn thành: 0 phiếu" in text and "(quá hạn)" not in text


def test_without_a_previous_review_it_counts_from_the_first_ticket():
    ticket(opened=dt.date(2024, 1, 10))
    text = tickets_summary(None, UNTIL, organisation=default_organisation())
    assert text.splitlines()[0].endswith("tính đến 26/11/2026:")
    assert line(text, "- Mở mới").startswith("- Mở mới: 1 phiếu")


def test_a_period_without_tickets_says_so_without_an_empty_list():
    text = tickets_summary(SINCE, UNTIL, organisation=default_organisation())
    assert "- Mở mới: 0 phiếu" in text and "- Đang mở: 0 phiếu" in text
    assert "Các phiếu đang mở" not in text and "Trạng thái hiện nay" not in text


def test_the_summary_issues_the_same_queries_for_1_and_30_open_tickets(unit):
    ticket(opened=dt.date(2026, 7, 1), requesting_unit=unit)
    with CaptureQueriesContext(connection) as one:
        tickets_summary(SINCE, UNTIL, organisation=default_organisation())
    for _ in range(29):
        ticket(opened=dt.date(2026, 7, 2), requesting_unit=unit)
    with CaptureQueriesContext(connection) as thirty:
        assert tickets_summary(SINCE, UNTIL, organisation=default_organisation()).count("- Phiếu số ") == 30
    assert len(one) == len(thirty)


def test_the_summary_counts_and_lists_only_the_tickets_of_the_agency_asked_for(unit, other_organisation):
    ticket(opened=dt.date(2026, 7, 1), requesting_unit=unit, description="Phiếu của Cục")
    elsewhere = UnitFactory(organisation=other_organisation, code="VP", name="Văn phòng Sở")
    ticket(opened=dt.date(2026, 7, 1), requesting_unit=elsewhere, description="Phiếu của Sở")
    ticket(opened=dt.date(2026, 7, 2), requesting_unit=elsewhere, status=TicketStatus.CLOSED, closed=dt.date(2026, 8, 1))
    ours = tickets_summary(SINCE, UNTIL, organisation=default_organisation())
    assert line(ours, "- Mở mới").startswith("- Mở mới: 1 phiếu")
    assert line(ours, "- Đã kết thúc").startswith("- Đã kết thúc: 0 phiếu")
    assert "Phiếu của Cục" in ours and "Phiếu của Sở" not in ours
    theirs = tickets_summary(SINCE, UNTIL, organisation=other_organisation.pk)
    assert line(theirs, "- Mở mới").startswith("- Mở mới: 2 phiếu")
    assert "Phiếu của Sở" in theirs and "Phiếu của Cục" not in theirs
    assert "- Mở mới: 0 phiếu" in tickets_summary(SINCE, UNTIL, organisation=None)


def test_corrective_actions_never_imports_reviews():
    """The dependency rule: reviews may use corrective_actions, never the other way round."""
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            if any(n == "reviews" or n.startswith("reviews.") for n in names):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
