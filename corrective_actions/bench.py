"""Scenarios of `make bench` for corrective-action tickets: the list and the Excel export as tickets grow."""

from __future__ import annotations

from typing import Any

from django.test import Client

from corrective_actions.tests.factories import TicketFactory
from qms.roles import Role
from qms.tests.factories import UnitFactory, UserFactory


def ticket_list_growth(bench) -> None:
    client = Client()
    client.force_login(UserFactory.create(username="bench-ca-secretary", roles=[Role.SECRETARY]))
    unit = UnitFactory(code="BENCH-CA")
    people = [UserFactory(unit=unit) for _ in range(3)]
    made = 0
    for target in (10, 100, 1000):
        for i in range(made, target):
            TicketFactory(number=10_000 + i, requesting_unit=unit, requester=people[i % 3], assignee=people[(i + 1) % 3])
        made = target
        bench.page(client, "/corrective-actions/", f"GET /corrective-actions/ (list) with {target} tickets")
        bench.page(client, "/corrective-actions/export.xlsx", f"GET export.xlsx with {target} tickets", repeat=3)


def _description(length: int) -> str:
    """Vietnamese prose of `length` characters, in paragraphs, as a long complaint is typed."""
    sentence = "Hồ sơ tiếp nhận ngày 05/01 trả kết quả chậm hai ngày so với phiếu hẹn, chưa có văn bản xin lỗi. "
    text = (sentence * (length // len(sentence) + 1))[:length]
    return "\n\n".join(text[i : i + 900] for i in range(0, length, 900))[:length]


def ticket_pdf_long_description(bench) -> None:
    """BM.CTCL.01 as its description grows: the layout must stay linear in the text's length (issue 13)."""
    import subprocess
    import tempfile

    from corrective_actions.pdf import ticket_pdf_bytes

    for length in (500, 5_000, 20_000):
        ticket = TicketFactory.create(number=90_000 + length, description=_description(length))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as out:
            out.write(ticket_pdf_bytes(ticket.pk))
            out.flush()
            info = subprocess.run(["pdfinfo", out.name], capture_output=True, text=True, check=False).stdout
        pages = next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0)
        median = bench.measure(
            f"ticket_pdf_bytes (BM.CTCL.01), description of {length:,} chars", lambda pk=ticket.pk: ticket_pdf_bytes(pk), repeat=3
        )
        if pages:
            print(f"  {'':<58} {median / pages:9.2f} ms per page ({pages} pages)", flush=True)


SCENARIOS = [ticket_pdf_long_description, ticket_list_growth]


def tickets_at_scale(bench) -> None:
    """Issue 15: 20,000 tickets of one agency over 10 years (most closed; long actions in progress, some
    reported, some overdue): the Excel export of all of them, the daily sweep's first run and its run with
    everything already claimed."""
    import datetime as dt
    import os

    from django.db import connection
    from django.utils import timezone

    from corrective_actions.exports import tickets_xlsx
    from corrective_actions.models import Kind, Source, Ticket, TicketStatus
    from corrective_actions.reminders import ticket_reminders_send
    from qms.models import Unit, User
    from qms.tests.factories import default_organisation

    total = int(os.environ.get("QMS_BENCH_TICKETS", "20000"))
    today = timezone.localdate()
    org = default_organisation()
    units = Unit.objects.bulk_create(Unit(organisation=org, code=f"TK{i}", name=f"Phòng phiếu {i}") for i in range(50))
    people = User.objects.bulk_create(
        User(username=f"bench-tk-{i}", full_name=f"Nguyễn Văn {i}", email=f"tk{i}@example.vn", organisation=org, unit=units[i % 50])
        for i in range(500)
    )
    secretary = UserFactory.create(unit=units[0], roles=[Role.SECRETARY])
    committee_head = UserFactory.create(unit=units[0], roles=[Role.COMMITTEE_HEAD])
    unit_head = UserFactory.create(unit=units[1], roles=[Role.UNIT_HEAD])
    UserFactory.create(unit=units[0], roles=[Role.TOP_LEADER])
    # One ticket in 20 still open: in progress (approved months ago, due over the next year), reported, overdue.
    open_states = [TicketStatus.IN_PROGRESS, TicketStatus.IN_PROGRESS, TicketStatus.REPORTED, TicketStatus.IN_PROGRESS]
    start = dt.datetime.now()
    tickets = []
    for i in range(total):
        year = today.year - 9 + i * 10 // total
        is_open = i % 20 == 0 and year >= today.year - 1
        status = open_states[i // 20 % 4] if is_open else TicketStatus.CLOSED
        completion = today + dt.timedelta(days=i % 400 - 40) if is_open else dt.date(year, 1 + i % 12, 1 + i % 28)
        tickets.append(
            Ticket(
                organisation=org,
                number=i + 1,
                year=year,
                status=status,
                requesting_unit=units[i % 50],
                unit=units[(i + 1) % 50],
                implementing_unit=units[(i + 2) % 50],
                kind=Kind.CORRECTIVE if i % 3 else Kind.PREVENTIVE,
                source=Source.NONCONFORMITY,
                process="Quy trình tiếp nhận và trả kết quả hồ sơ",
                clause="8.7",
                description=f"Hồ sơ số {i} trả kết quả chậm hai ngày so với phiếu hẹn, chưa có văn bản xin lỗi",
                description_date=dt.date(year, 1 + i % 12, 1 + i % 28),
                requester=people[i % 500],
                assignee=people[(i + 7) % 500],
                completion_date=completion,
                approved_at=timezone.now() - dt.timedelta(days=90) if is_open else None,
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=5000)
    print(f"  {total:,} tickets written in {(dt.datetime.now() - start).total_seconds():.1f} s")
    if connection.vendor == "postgresql":
        # Statistics for the rows just written, as autovacuum gathers them within a minute in production:
        # without them the planner estimates 5 tickets for 20,000 and the text search folds all six columns of
        # every ticket (457 ms for its count) instead of using its trigram index (61 ms).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE corrective_actions_ticket")
    listed = Ticket.objects.filter(organisation=org).select_related(
        "organisation", "unit", "requesting_unit", "implementing_unit", "requester", "assignee", "predecessor"
    )
    median = bench.measure(f"export.xlsx of {total:,} tickets (tickets_xlsx)", lambda: len(tickets_xlsx(listed)), repeat=3)
    bench.results.append((f"export.xlsx, {total:,} tickets (median of 3)", median, 1, "one values_list query"))
    # The list, its filters and text search, against FLOOR (DEBUG off: HTTPS as in production); their query
    # counts are also the tests' (flat).
    client = Client()
    client.force_login(secretary)
    for label, url in (
        ("/corrective-actions/", "/corrective-actions/"),
        ("/corrective-actions/?unit=…", f"/corrective-actions/?unit={units[3].pk}"),
        ("/corrective-actions/?page=50", "/corrective-actions/?page=50"),
        ("/corrective-actions/?q=… (text search, pg_trgm)", "/corrective-actions/?q=van+ban+xin+loi+so+1999"),
        ("my work", "/corrective-actions/my-work/"),
    ):
        bench.versus_floor(client, url, f"GET {label}, {total:,} tickets")
    # The home pages of the three roles that open the site most, over the same tickets (no reviews or
    # objectives in this scenario): each against FLOOR under the same user.
    for role, user in (("secretary", secretary), ("committee head", committee_head), ("unit head", unit_head)):
        home = Client()
        home.force_login(user)
        bench.versus_floor(home, "/", f"GET / (home, {role}), {total:,} tickets")
    sent = bench.once(f"ticket sweep, {total:,} tickets: first run", lambda: ticket_reminders_send(today=today))
    bench.results[-1] = (*bench.results[-1][:3], f"{sent:,} reminders sent")
    bench.once(f"ticket sweep, {total:,} tickets: all claimed", lambda: ticket_reminders_send(today=today))


SCALE_SCENARIOS = [tickets_at_scale]


def fill_province(organisations: list[Any], years: range, units: dict[int, Any], users: dict[int, Any]) -> int:
    """For `make bench`'s province: eight tickets a year per agency (closed, ineffective, open)."""
    import datetime as dt

    from corrective_actions.models import Kind, Source, Ticket, TicketStatus

    statuses = [TicketStatus.CLOSED] * 5 + [TicketStatus.INEFFECTIVE, TicketStatus.IN_PROGRESS, TicketStatus.OPEN]
    tickets = [
        Ticket(
            organisation=org,
            number=n + 1,
            year=year,
            status=status,
            requesting_unit=units[org.pk],
            unit=units[org.pk],
            implementing_unit=units[org.pk],
            kind=Kind.CORRECTIVE,
            source=Source.NONCONFORMITY,
            process="Quy trình tiếp nhận hồ sơ",
            clause="5.2",
            description=f"Hồ sơ {n + 1}/{year} trả kết quả chậm",
            description_date=dt.date(year, 3, 1 + n),
            requester=users[org.pk],
            assignee=users[org.pk],
        )
        for org in organisations
        for year in years
        for n, status in enumerate(statuses)
    ]
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    return len(tickets)
