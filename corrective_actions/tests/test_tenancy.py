"""Agencies as tenants: a person of agency A never reads, lists, searches, exports, downloads or acts on
agency B's tickets (404, or B's rows absent; never a 500), numbers and notices stay within each agency, and
the provincial overseer reads B's finished tickets only and writes nothing."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from corrective_actions import reminders, services
from corrective_actions.dashboard import my_work_panel
from corrective_actions.models import ChangeRequest, Ticket, TicketAttachment, TicketStatus, Verification
from corrective_actions.overview import FIGURES, ticket_counts
from corrective_actions.services.common import ticket_notify
from corrective_actions.urls import urlpatterns
from corrective_actions.views.steps import ACTION_VIEWS
from qms.errors import ServiceError
from qms.models import Notification, Organisation, OrganisationKind
from qms.overview import figures, overview_rows
from qms.roles import Role
from qms.tests.factories import OrganisationFactory, UnitFactory, UserFactory
from qms.workdays import add_working_days

pytestmark = pytest.mark.django_db

MARK = "ZZB"  # in every description of agency B's tickets: never on a page of agency A


@pytest.fixture
def agency_b(other_organisation):
    """Agency B with its own committee, units and people, and a ticket in each kind of state, each with
    evidence: open (waiting for its unit head), in progress, closed as effective, closed as not effective
    (whose successor is open)."""
    vp = UnitFactory(organisation=other_organisation, code="VP", name="Văn phòng Sở")
    qltm = UnitFactory(organisation=other_organisation, code="QLTM", name="Phòng Quản lý thương mại")
    people = {
        "secretary": UserFactory(username="sct.thuky", unit=vp, roles=[Role.SECRETARY]),
        # Agency B's director chairs its committee and verifies its tickets (QT.CTCL: the top leader).
        "head": UserFactory(username="sct.truongban", unit=vp, roles=[Role.COMMITTEE_HEAD, Role.TOP_LEADER]),
        "unit_head": UserFactory(username="sct.qltm.truong", unit=qltm, roles=[Role.UNIT_HEAD]),
        "staff": UserFactory(username="sct.qltm.chuyenvien", unit=qltm, roles=[Role.STAFF]),
    }

    def drive(to: str, text: str) -> Ticket:
        ticket = services.ticket_open(
            actor=people["staff"],
            requesting_unit=qltm,
            description=f"{MARK} {text}",
            process="Quy trình cấp giấy phép",
            clause=text,
            attachments=[SimpleUploadedFile(f"{to}.pdf", b"%PDF-1.4 B")],
        )
        if to == "open":
            return ticket
        services.ticket_submit(actor=people["unit_head"], ticket=ticket, signs=["recurring"])
        services.ticket_present(actor=people["secretary"], ticket=ticket)
        services.ticket_assign(actor=people["head"], ticket=ticket, implementing_unit=qltm, assignee=people["staff"])
        services.ticket_propose(actor=people["staff"], ticket=ticket, cause="Thiếu kiểm tra.", measure="Bổ sung kiểm tra.")
        services.ticket_approve(actor=people["head"], ticket=ticket, completion_date=timezone.localdate() + dt.timedelta(days=10))
        if to == "in_progress":
            return Ticket.objects.get(pk=ticket.pk)
        services.ticket_report(actor=people["staff"], ticket=ticket, result="Đã bổ sung.")
        if to == "ineffective":
            services.ticket_verify(actor=people["head"], ticket=ticket, verification=Verification.FAILED, note="Chưa đạt.")
            return Ticket.objects.get(pk=ticket.pk)
        services.ticket_verify(actor=people["head"], ticket=ticket, verification=Verification.PASSED, note="Đạt.")
        services.ticket_close(actor=people["secretary"], ticket=ticket, evidence="Biên bản kiểm tra.")
        return Ticket.objects.get(pk=ticket.pk)

    tickets = {
        "open": drive("open", "mở chờ đơn vị"),
        "in_progress": drive("in_progress", "đang thực hiện"),
        "closed": drive("closed", "đã đóng có hiệu lực"),
        "ineffective": drive("ineffective", "không hiệu lực"),
    }
    return {"organisation": other_organisation, "units": {"VP": vp, "QLTM": qltm}, "people": people, "tickets": tickets}


@pytest.fixture
def overseer(db):
    province = OrganisationFactory(code="so-khcn", name="Sở Khoa học và Công nghệ", kind=OrganisationKind.OVERSIGHT)
    return UserFactory(username="tinh.theodoi", unit=None, organisation=province, roles=[Role.OVERSEER])


@pytest.fixture
def agency_a_people(role_users, organisation):
    """Every role of agency A (the default agency), the agency's admin included."""
    admin = UserFactory(username="cuc.quantri", unit=role_users["secretary"].unit, roles=[Role.AGENCY_ADMIN], is_staff=True)
    return {**role_users, "agency_admin": admin}


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)


def _state(ticket: Ticket) -> tuple:
    ticket = Ticket.objects.get(pk=ticket.pk)
    return ticket.status, ticket.version, ticket.delegate_id, ticket.attachments.count(), ticket.change_requests.count()


def _detail_urls(ticket: Ticket) -> list[str]:
    attachment = ticket.attachments.first()
    assert attachment is not None
    return [
        reverse("corrective_actions:detail", args=[ticket.pk]),
        reverse("corrective_actions:pdf", args=[ticket.pk]),
        reverse("corrective_actions:docx", args=[ticket.pk]),
        reverse("corrective_actions:attachment_download", args=[attachment.pk]),
    ]


def _write_posts(ticket: Ticket) -> list[tuple[str, dict]]:
    """Every write URL of a ticket, with input that would be valid."""
    unit = ticket.unit
    posts = [
        (
            reverse("corrective_actions:attachment_upload", args=[ticket.pk]),
            {"box": "1", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")},
        ),
    ]
    data = {
        "version": ticket.version,
        "note": "x",
        "comment": "x",
        "correction_kind": "redo",
        "correction_result": "x",
        "implementing_unit": unit.pk,
        "assignee": ticket.requester_id,
        "cause": "x",
        "measure": "x",
        "completion_date": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        "text": "x",
        "kind": "resources",
        "reason": "x",
        "result": "x",
        "verification": "passed",
        "evidence": "x",
        "approve": "1",
        "change": ChangeRequest.objects.filter(ticket=ticket).values_list("pk", flat=True).first() or 0,
    }
    posts += [(reverse("corrective_actions:action", args=[ticket.pk, action]), data) for action in ACTION_VIEWS]
    return posts


def test_the_matrix_below_covers_every_url_of_the_app():
    covered = {
        "list",
        "export",
        "my_work",
        "create",
        "present_batch",
        "detail",
        "pdf",
        "docx",
        "attachment_upload",
        "action",
        "attachment_download",
    }
    assert {pattern.name for pattern in urlpatterns} == covered


@pytest.mark.parametrize(
    "role", ["secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff", "agency_admin"]
)
def test_no_role_of_agency_a_reads_lists_searches_exports_downloads_or_acts_on_agency_bs_tickets(client, agency_a_people, agency_b, role):
    user = agency_a_people[role]
    client.force_login(user)
    b = agency_b["tickets"]
    for ticket in b.values():
        for url in _detail_urls(ticket):
            assert client.get(url).status_code == 404, url
    for query in ["", f"?q={MARK}", f"?organisation={agency_b['organisation'].pk}", f"?q={b['closed'].number}/{b['closed'].year}"]:
        for name in ["corrective_actions:list", "corrective_actions:export", "corrective_actions:my_work"]:
            response = client.get(reverse(name) + query)
            assert response.status_code in (200, 403), (name, query)  # the export is refused to those without the right
            text = _xlsx_text(response.content) if name.endswith("export") and response.status_code == 200 else response.content.decode()
            assert f"{MARK} " not in text, (name, query)  # a description; the search box echoes the bare mark
    create = client.get(reverse("corrective_actions:create")).content.decode()
    assert "Phòng Quản lý thương mại" not in create and "Văn phòng Sở" not in create
    panel_text = str([item for panel in my_work_panel(client.get(reverse("corrective_actions:list")).wsgi_request) for item in panel.items])
    assert MARK not in panel_text
    before = {key: _state(ticket) for key, ticket in b.items()}
    notices = Notification.objects.count()
    for ticket in b.values():
        for url, data in _write_posts(ticket):
            assert client.post(url, data).status_code == 404, url
    assert {key: _state(ticket) for key, ticket in b.items()} == before
    assert Notification.objects.count() == notices


def test_the_overseer_reads_agency_bs_finished_tickets_and_no_open_one(client, agency_b, overseer):
    client.force_login(overseer)
    b = agency_b["tickets"]
    for key in ["closed", "ineffective"]:
        for url in _detail_urls(b[key]):
            assert client.get(url).status_code == 200, url
    assert client.get(reverse("corrective_actions:pdf", args=[b["closed"].pk])).content[:4] == b"%PDF"
    successor = Ticket.objects.get(predecessor=b["ineffective"])
    for ticket in [b["open"], b["in_progress"], successor]:
        for url in _detail_urls(ticket) if ticket.attachments.exists() else [reverse("corrective_actions:detail", args=[ticket.pk])]:
            assert client.get(url).status_code == 404, url
    page = client.get(reverse("corrective_actions:list") + f"?organisation={agency_b['organisation'].pk}").content.decode()
    assert "đã đóng có hiệu lực" in page and "không hiệu lực" in page
    assert "mở chờ đơn vị" not in page and "đang thực hiện" not in page
    assert page.count('data-testid="agency">SCT<') == 2  # each row names its agency: numbers repeat across agencies
    assert Ticket.objects.visible_to(overseer).filter(status=TicketStatus.VERIFIED).count() == 0


def test_the_overseer_is_refused_every_write_url_and_the_export(client, agency_b, overseer):
    client.force_login(overseer)
    b = agency_b["tickets"]
    before = {key: _state(ticket) for key, ticket in b.items()}
    tickets, notices = Ticket.objects.count(), Notification.objects.count()
    for ticket in b.values():
        for url, data in _write_posts(ticket):
            assert client.post(url, data).status_code in (403, 404), url
    unit = agency_b["units"]["QLTM"]
    create = {"requesting_unit": unit.pk, "unit": unit.pk, "kind": "corrective", "source": "nonconformity", "description": "x"}
    assert client.get(reverse("corrective_actions:create")).status_code == 403
    assert client.post(reverse("corrective_actions:create"), create).status_code == 403
    assert client.get(reverse("corrective_actions:export")).status_code == 403
    assert client.get(reverse("corrective_actions:my_work")).status_code == 200
    assert {key: _state(ticket) for key, ticket in b.items()} == before
    assert (Ticket.objects.count(), Notification.objects.count()) == (tickets, notices)


def test_ticket_numbers_restart_in_each_agency(staff_user, unit, agency_b):
    ours = services.ticket_open(actor=staff_user, requesting_unit=unit, description="Hồ sơ của Cục.")
    assert ours.number == 1
    theirs = sorted(Ticket.objects.filter(organisation=agency_b["organisation"]).values_list("number", flat=True))
    assert theirs == [1, 2, 3, 4, 5]  # four opened, and the successor of the ineffective one
    assert ours.organisation_id != agency_b["organisation"].pk


def test_notices_of_a_ticket_stay_within_its_agency(agency_a_people, agency_b):
    a_people = list(agency_a_people.values())
    assert not Notification.objects.filter(recipient__in=a_people).exists()
    b_people = agency_b["people"]
    assert Notification.objects.filter(recipient=b_people["secretary"]).exists()
    assert Notification.objects.filter(recipient=b_people["head"]).exists()
    ticket_notify(recipients=[agency_a_people["secretary"], b_people["secretary"]], ticket=agency_b["tickets"]["open"], subject="Phiếu x")
    assert not Notification.objects.filter(recipient__in=a_people).exists()


def test_a_unit_or_person_of_another_agency_is_refused_and_nothing_is_saved(
    staff_user, unit, committee_head, secretary, unit_head, agency_b, drive
):
    b_unit, b_staff = agency_b["units"]["QLTM"], agency_b["people"]["staff"]
    count = Ticket.objects.count()
    with pytest.raises(ServiceError) as info:
        services.ticket_open(actor=committee_head, requesting_unit=b_unit, description="Đánh giá nội bộ.")
    assert info.value.field == "requesting_unit" and "không thuộc cơ quan" in info.value.message
    with pytest.raises(ServiceError) as info:
        services.ticket_open(actor=staff_user, requesting_unit=unit, unit=b_unit, description="x")
    assert info.value.field == "unit"
    with pytest.raises(ServiceError):
        services.ticket_open_from_source(actor=secretary, requesting_unit=b_unit, source="management_review", description="x")
    assert Ticket.objects.count() == count
    ticket = drive("presented")
    for kwargs, field in [
        ({"implementing_unit": b_unit, "assignee": b_staff}, "implementing_unit"),
        ({"implementing_unit": unit, "assignee": b_staff}, "assignee"),
        ({"implementing_unit": unit, "assignee": staff_user, "delegate": b_staff}, "delegate"),
    ]:
        with pytest.raises(ServiceError) as info:
            services.ticket_assign(actor=committee_head, ticket=ticket, **kwargs)
        assert info.value.field == field
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.PRESENTED
    with pytest.raises(ServiceError):
        services.ticket_delegate_set(actor=committee_head, ticket=ticket, delegate=b_staff)
    assert Ticket.objects.get(pk=ticket.pk).delegate_id is None


def test_a_posted_unit_or_person_of_another_agency_is_refused_with_a_message_and_nothing_saved(client, committee_head, drive, agency_b):
    ticket = drive("presented")
    client.force_login(committee_head)
    b_unit, b_staff = agency_b["units"]["QLTM"], agency_b["people"]["staff"]
    response = client.post(
        reverse("corrective_actions:action", args=[ticket.pk, "assign"]),
        {"version": ticket.version, "implementing_unit": b_unit.pk, "assignee": b_staff.pk},
    )
    assert response.status_code == 200
    assert "Chưa lưu được" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.PRESENTED
    response = client.post(
        reverse("corrective_actions:create"),
        {"requesting_unit": b_unit.pk, "unit": b_unit.pk, "kind": "corrective", "source": "nonconformity", "description": "x"},
    )
    assert response.status_code == 200 and Ticket.objects.filter(description="x").count() == 0


def test_a_ticket_from_another_app_belongs_to_its_actors_agency(agency_b):
    b = agency_b["people"]
    ticket = services.ticket_open_from_source(
        actor=b["secretary"], requesting_unit=agency_b["units"]["VP"], source="management_review", description="Kết luận họp."
    )
    assert ticket.organisation == agency_b["organisation"] and ticket.status == TicketStatus.SUBMITTED


def test_evidence_is_stored_under_the_agencys_code(agency_b):
    attachment = TicketAttachment.objects.filter(ticket=agency_b["tickets"]["closed"]).first()
    assert attachment is not None and attachment.file.name.startswith("so-cong-thuong/corrective_actions/")


def test_the_repeat_threshold_and_retention_are_the_tickets_agencys(agency_b, organisation):
    b_org = agency_b["organisation"]
    Organisation.objects.filter(pk=b_org.pk).update(repeat_nonconformity_threshold=1, ticket_record_retention_years=7)
    Organisation.objects.filter(pk=organisation.pk).update(ticket_record_retention_years=1)
    b = agency_b["people"]
    unit = agency_b["units"]["QLTM"]
    first = services.ticket_open(actor=b["staff"], requesting_unit=unit, description="y", process="Quy trình X", clause="1")
    second = services.ticket_open(actor=b["staff"], requesting_unit=unit, description="y", process="Quy trình X", clause="1")
    assert (first.repeat_required, second.repeat_required) == (False, True)  # 2 > 1 in B (3 in A)
    closed = Ticket.objects.get(pk=agency_b["tickets"]["closed"].pk)
    assert closed.retained_until().year == timezone.localtime(closed.closed_at).year + 7


def test_reminders_use_each_tickets_agency_lead_time(agency_b, drive, assignee, today):
    b_org, b_ticket = agency_b["organisation"], agency_b["tickets"]["in_progress"]
    Organisation.objects.filter(pk=b_org.pk).update(action_reminder_working_days=6)
    due = add_working_days(today, 10)
    ours = drive("in_progress", completion_date=due)
    Ticket.objects.filter(pk=b_ticket.pk).update(completion_date=due)
    Notification.objects.all().delete()
    reminders.ticket_reminders_send(today=add_working_days(due, -5))  # 5 working days ahead: within B's 6, not A's 3
    told = set(Notification.objects.filter(subject__contains="sắp đến hạn").values_list("recipient_id", flat=True))
    assert told == {agency_b["people"]["staff"].pk}
    assert ours.assignee_id not in told


def test_the_reminder_sweep_reads_agencies_in_the_same_number_of_queries_for_one_or_three(agency_b, drive, today):
    def sweep_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            reminders.ticket_reminders_send(today=today)  # nothing due: the reads alone
        return len(ctx)

    one = sweep_queries()
    for n in range(2):
        org = OrganisationFactory(code=f"so-them-{n}")
        unit = UnitFactory(organisation=org, code="VP")
        staff = UserFactory(unit=unit, roles=[Role.STAFF])
        Ticket.objects.create(
            organisation=org,
            number=1,
            year=today.year,
            status=TicketStatus.IN_PROGRESS,
            requesting_unit=unit,
            unit=unit,
            description="z",
            description_date=today,
            requester=staff,
            assignee=staff,
            completion_date=today + dt.timedelta(days=200),
        )
    assert sweep_queries() == one


def test_the_overview_counts_open_and_failed_tickets_per_agency_and_links_to_finished_ones(agency_b, drive, organisation, today):
    drive("open")
    drive("in_progress")
    drive("closed")
    drive("ineffective")  # its successor is open too
    empty = OrganisationFactory(code="so-trong")
    counts = ticket_counts([organisation, agency_b["organisation"], empty], today.year)
    assert counts[organisation.pk] == {"open_tickets": 3, "failed_tickets": 1}
    assert counts[agency_b["organisation"].pk] == {"open_tickets": 3, "failed_tickets": 1}
    assert counts.get(empty.pk, {}).get("open_tickets", 0) == 0
    assert ticket_counts([organisation], today.year + 1) == {organisation.pk: {"open_tickets": 0, "failed_tickets": 0}}
    assert {"open_tickets", "failed_tickets"} <= {figure.key for figure in figures()}
    row = next(r for r in overview_rows([agency_b["organisation"]], today.year))
    links = {figure.key: link for figure, _count, link in row.cells}
    b = agency_b["organisation"].pk
    assert links["failed_tickets"] == f"/corrective-actions/?organisation={b}&verified_year={today.year}&status=ineffective"
    assert links["open_tickets"] == f"/corrective-actions/?organisation={b}&year={today.year}"


def test_the_overseer_drilling_down_a_figure_sees_exactly_the_agencys_finished_tickets_behind_it(client, agency_b, overseer, today):
    client.force_login(overseer)
    b_org = agency_b["organisation"]
    failed = next(f for f in FIGURES if f.key == "failed_tickets")
    page = client.get(failed.link(b_org, today.year)).content.decode()
    assert agency_b["tickets"]["ineffective"].number_display in page and "không hiệu lực" in page
    assert "đã đóng có hiệu lực" not in page
    opened = next(f for f in FIGURES if f.key == "open_tickets")
    page = client.get(opened.link(b_org, today.year)).content.decode()
    assert "đã đóng có hiệu lực" in page and "mở chờ đơn vị" not in page


@pytest.mark.parametrize("agencies", [2, 6])
def test_the_overview_reads_in_one_query_for_2_or_6_agencies(agencies, today):
    orgs = []
    for n in range(agencies):
        org = OrganisationFactory(code=f"so-{n}-{agencies}")
        unit = UnitFactory(organisation=org, code="VP")
        staff = UserFactory(unit=unit, roles=[Role.STAFF])
        for number, status in enumerate([TicketStatus.OPEN, TicketStatus.INEFFECTIVE], start=1):
            Ticket.objects.create(
                organisation=org,
                number=number,
                year=today.year,
                status=status,
                requesting_unit=unit,
                unit=unit,
                description="z",
                description_date=today,
                requester=staff,
                verified_on=today if status == TicketStatus.INEFFECTIVE else None,
            )
        orgs.append(org)
    with CaptureQueriesContext(connection) as ctx:
        counts = ticket_counts(orgs, today.year)
    assert len(ctx) == 1
    assert all(counts[org.pk] == {"open_tickets": 1, "failed_tickets": 1} for org in orgs)
