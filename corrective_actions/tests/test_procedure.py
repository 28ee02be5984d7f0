"""The steps of QT.CTCL 5.1.2–5.7 that the product once merged or skipped (issue 11): the twelve sources,
the signs of 5.2.2, the secretary's presentation before the head assigns, the approver's choice of
implementer, and the check at the completion date of a ticket never reported."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation

from corrective_actions import rules, services
from corrective_actions.filters import TicketFilter
from corrective_actions.forms import TicketOpenForm
from corrective_actions.models import (
    TICKET_TRANSITIONS,
    Presentation,
    Sign,
    Source,
    Ticket,
    TicketStatus,
    Verification,
)
from corrective_actions.services.intake import path_of_source
from corrective_actions.tests.factories import TicketFactory
from qms.errors import NotAllowed, ServiceError
from qms.models import AuditEntry, Organisation
from qms.roles import Role
from qms.tests.factories import UnitFactory, UserFactory, default_organisation

pytestmark = pytest.mark.django_db

# QT.CTCL 5.1.2, quoted from the seed (/work/shared/seeds/002_*.txt), in its order: "Thông tin đầu vào để làm
# cơ sở xem xét HĐKP, yêu cầu cải tiến, gồm các nội dung sau (không hạn chế thông tin đầu vào)".
SEED_SOURCES = [
    "Các hoạt động chức năng KPH.",
    "Thông tin phản hồi từ các tổ chức/cá nhân/đơn vị khác; xử lý các ý kiến phản hồi của khách hàng.",
    "Kết quả đánh giá chất lượng nội bộ, thể hiện qua hồ sơ sự KPH, báo cáo đánh giá.",
    "Kết quả thực hiện các biện pháp khắc phục, phòng ngừa trước đó.",
    "Các quyết định sau khi họp xem xét của Lãnh đạo đề ra.",
    "Kết quả phân tích dữ liệu, giám sát các quá trình hoạt động chức năng.",
    "Kết quả thực hiện các quá trình hoạt động chức năng.",
    "Kết quả xác định sự phù hợp của hoạt động chức năng.",
    "Các hồ sơ có liên quan của HTQLCL.",
    "Kết quả phân tích rủi ro.",
    "Các thông tin các bên có liên quan khác nhằm để cải tiến.",
    "Các bài học kinh nghiệm nhằm để cải tiến.",
]
SEED_FILE = next(iter(sorted(Path(os.environ.get("QMS_SEEDS_DIR", "/work/shared/seeds")).glob("002_*.txt"))), None)


def _vi(labels):
    with translation.override("vi"):
        return [str(label) for label in labels]


# --- 5.1.2 the sources ---------------------------------------------------------------------------------------


def test_the_sources_are_the_twelve_of_the_seed_in_its_order_then_other():
    labels = _vi(Source.labels)
    assert labels[:12] == [line.rstrip(".") for line in SEED_SOURCES]
    assert labels[12:] == ["Khác"] and len(set(Source.values)) == 13


@pytest.mark.skipif(SEED_FILE is None, reason="the procedure's seed is not on this machine")
def test_the_quoted_list_is_the_seeds_list():
    text = SEED_FILE.read_text(encoding="utf-8")  # type: ignore[union-attr]
    section = text[text.index("5.1.2\t") : text.index("5.2\tMở phiếu")]
    items = [m.strip() for m in re.findall(r"- ([^<\n]+?\.)(?=\s|<|$)", section)]
    assert [item for item in items if "Thông tin đầu vào" not in item] == SEED_SOURCES


def test_the_source_other_needs_its_text_in_the_form_and_in_the_service(staff_user, unit):
    form = TicketOpenForm(
        {
            "requesting_unit": unit.pk,
            "unit": unit.pk,
            "kind": "corrective",
            "source": "other",
            "description": "x",
            "description_date": "2026-01-05",
        },
        organisation=unit.organisation_id,
    )
    assert not form.is_valid() and "ghi rõ nguồn" in str(form.errors["source_other"])
    with pytest.raises(ServiceError, match="ghi rõ nguồn") as refused:
        services.ticket_open(actor=staff_user, requesting_unit=unit, description="x", source=Source.OTHER)
    assert refused.value.field == "source_other"
    ticket = services.ticket_open(actor=staff_user, requesting_unit=unit, description="x", source=Source.OTHER, source_other="Báo chí")
    assert ticket.source_display == "Khác: Báo chí"
    # a text given with another source is not kept
    plain = services.ticket_open(actor=staff_user, requesting_unit=unit, description="y", source=Source.FEEDBACK, source_other="z")
    assert plain.source_other == ""


def test_the_ticket_list_filters_by_each_source(client, secretary, unit):
    TicketFactory(requesting_unit=unit, source=Source.PROCESS_RESULTS, description="Kết quả quá trình")
    TicketFactory(requesting_unit=unit, source=Source.CONFORMITY_RESULTS, description="Sự phù hợp")
    client.force_login(secretary)
    page = client.get(reverse("corrective_actions:list"), {"source": Source.CONFORMITY_RESULTS}).content.decode()
    assert "Sự phù hợp" in page and "Kết quả quá trình" not in page
    assert [value for value, _label in TicketFilter().filters["source"].extra["choices"]] == Source.values


def test_the_migration_keeps_merged_tickets_and_moves_objective_tickets(unit):
    merged = TicketFactory(requesting_unit=unit, source="process_results")
    objective = TicketFactory(requesting_unit=unit)
    Ticket.objects.filter(pk=objective.pk).update(source="quality_objectives")
    migration = __import__("corrective_actions.migrations.0009_ca11_sources", fromlist=["forwards"])
    migration.forwards(django_apps, None)
    assert Ticket.objects.get(pk=merged.pk).source == Source.PROCESS_RESULTS
    assert Ticket.objects.get(pk=objective.pk).source == Source.PROCESS_RESULTS


# --- 5.2.2 the signs -----------------------------------------------------------------------------------------


def test_the_signs_are_the_seeds_eight():
    labels = _vi(Sign.labels)
    assert len(labels) == 8
    assert labels[3] == "Khi các hồ sơ sự KPH được lập quá 03 lần liên tiếp cho cùng một nội dung KPH tại cùng đơn vị được đánh giá"
    assert labels[-1] == "Cơ hội cải tiến nhằm nâng cao hiệu lực và hiệu quả của HTQLCL"


def test_the_unit_head_must_record_at_least_one_sign_and_the_signs_are_kept(drive, unit_head):
    ticket = drive("open")
    with pytest.raises(ServiceError, match="ít nhất một dấu hiệu") as refused:
        services.ticket_submit(actor=unit_head, ticket=ticket, signs=[])
    assert refused.value.field == "signs" and Ticket.objects.get(pk=ticket.pk).status == TicketStatus.OPEN
    with pytest.raises(ServiceError, match="không hợp lệ"):
        services.ticket_submit(actor=unit_head, ticket=ticket, signs=["made_up"])
    services.ticket_submit(actor=unit_head, ticket=ticket, signs=[Sign.OPPORTUNITY, Sign.SERIOUS])
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == TicketStatus.SUBMITTED and ticket.signs == [Sign.SERIOUS, Sign.OPPORTUNITY]


def test_a_repeat_over_the_threshold_is_pre_ticked_and_always_recorded(client, staff_user, unit, unit_head):
    Organisation.objects.filter(pk=default_organisation().pk).update(repeat_nonconformity_threshold=3)
    for _ in range(4):
        ticket = services.ticket_open(actor=staff_user, requesting_unit=unit, description="Chậm", process="Cấp phép", clause="5.3")
    assert ticket.repeat_required
    client.force_login(unit_head)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert re.search(r'<input[^>]*name="signs"[^>]*value="repeated_records"[^>]*checked', page)
    assert not re.search(r'<input[^>]*name="signs"[^>]*value="serious"[^>]*checked', page)
    services.ticket_submit(actor=unit_head, ticket=ticket, signs=[Sign.SERIOUS])
    assert Ticket.objects.get(pk=ticket.pk).signs == [Sign.SERIOUS, Sign.REPEATED_RECORDS]


def test_the_decision_page_shows_the_signs_chosen(client, drive, unit_head, secretary):
    ticket = drive("open")
    client.force_login(unit_head)
    client.post(reverse("corrective_actions:action", args=[ticket.pk, "submit"]), {"signs": [Sign.CHANGE], "note": "x"})
    assert Ticket.objects.get(pk=ticket.pk).signs == [Sign.CHANGE]
    client.force_login(secretary)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'data-testid="signs"' in page and "thay đổi cơ cấu tổ chức" in page


def test_each_source_starts_on_the_path_its_procedure_gives():
    assert path_of_source(Source.MANAGEMENT_REVIEW) == TicketStatus.SUBMITTED  # Ban ISO decided (5.8.1.2)
    assert {path_of_source(value) for value in Source.values if value != Source.MANAGEMENT_REVIEW} == {TicketStatus.OPEN}


def test_a_staff_members_ticket_from_an_objective_waits_for_the_unit_head(staff_user, unit, unit_head):
    ticket = services.ticket_open_from_source(
        actor=staff_user, requesting_unit=unit, source=Source.PROCESS_RESULTS, description="MTCL không đạt", kind="corrective"
    )
    assert ticket.status == TicketStatus.OPEN
    assert ticket in Ticket.objects.awaiting(unit_head)
    assert rules.ticket_actions(staff_user, ticket) == []


# --- 5.3 the secretary presents before the head assigns ------------------------------------------------------


def test_the_transition_table_has_no_shortcut_from_submitted_to_assigned():
    assert TICKET_TRANSITIONS.get(TicketStatus.SUBMITTED, TicketStatus.ASSIGNED) is None
    assert TICKET_TRANSITIONS.get(TicketStatus.PRESENTED, TicketStatus.ASSIGNED) is not None


def test_the_head_cannot_assign_before_the_secretary_presents(drive, committee_head, assignee):
    ticket = drive("submitted")
    assert "assign" not in rules.ticket_actions(committee_head, ticket)
    assert ticket not in Ticket.objects.awaiting(committee_head)
    with pytest.raises(ServiceError, match="không thể thực hiện"):
        services.ticket_assign(actor=committee_head, ticket=ticket, implementing_unit=assignee.unit, assignee=assignee)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.SUBMITTED


def test_the_secretary_presents_several_tickets_with_one_note(client, drive, secretary, committee_head, unit_head, staff_user):
    first, second, third = drive("submitted"), drive("submitted"), drive("submitted")
    client.force_login(secretary)
    page = client.get(reverse("corrective_actions:present_batch")).content.decode()
    assert all(t.number_display in page for t in (first, second, third))
    response = client.post(
        reverse("corrective_actions:present_batch"), {"tickets": [first.pk, second.pk], "note": "Trình đợt tháng 12: 02 phiếu."}
    )
    assert response.status_code == 302
    presentation = Presentation.objects.get()
    assert presentation.note == "Trình đợt tháng 12: 02 phiếu." and presentation.presented_by == secretary
    assert set(presentation.tickets.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert Ticket.objects.get(pk=third.pk).status == TicketStatus.SUBMITTED
    assert {t.status for t in Ticket.objects.filter(pk__in=[first.pk, second.pk])} == {TicketStatus.PRESENTED}
    assert "assign" in rules.ticket_actions(committee_head, Ticket.objects.get(pk=first.pk))
    client.force_login(committee_head)
    assert "Trình đợt tháng 12" in client.get(first.get_absolute_url()).content.decode()
    # refused as a whole: a ticket not waiting to be presented
    with pytest.raises(ServiceError):
        services.tickets_present(actor=secretary, tickets=[Ticket.objects.get(pk=third.pk), Ticket.objects.get(pk=first.pk)])
    assert Ticket.objects.get(pk=third.pk).status == TicketStatus.SUBMITTED and Presentation.objects.count() == 1
    with pytest.raises(NotAllowed):
        services.tickets_present(actor=unit_head, tickets=[Ticket.objects.get(pk=third.pk)])


def test_presenting_nothing_is_refused_with_the_reason(client, drive, secretary):
    drive("submitted")
    client.force_login(secretary)
    response = client.post(reverse("corrective_actions:present_batch"), {"note": "x"})
    assert response.status_code == 200 and "Chưa chọn phiếu nào" in response.content.decode()
    with pytest.raises(ServiceError, match="Chưa chọn phiếu nào"):
        services.tickets_present(actor=secretary, tickets=[])


def test_the_batch_page_offers_only_the_agencys_submitted_tickets(client, drive, secretary, other_organisation):
    ours = drive("submitted")
    other_unit = UnitFactory(organisation=other_organisation)
    theirs = TicketFactory(requesting_unit=other_unit, status=TicketStatus.SUBMITTED, description="Phiếu cơ quan khác")
    client.force_login(secretary)
    page = client.get(reverse("corrective_actions:present_batch")).content.decode()
    assert ours.number_display in page and "Phiếu cơ quan khác" not in page
    response = client.post(reverse("corrective_actions:present_batch"), {"tickets": [theirs.pk]})
    assert response.status_code == 200 and Ticket.objects.get(pk=theirs.pk).status == TicketStatus.SUBMITTED


# --- 5.4 the approver may change the implementer ------------------------------------------------------------


def test_at_approval_the_head_may_change_the_person_the_unit_and_the_date(drive, committee_head, assignee, unit, today):
    ticket = drive("proposed")
    other = UserFactory(username="nguoimoi", unit=unit, roles=[Role.STAFF])
    services.ticket_approve(
        actor=committee_head, ticket=ticket, completion_date=today + dt.timedelta(days=30), implementing_unit=unit, assignee=other
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.assignee, ticket.implementing_unit, ticket.completion_date) == (other, unit, today + dt.timedelta(days=30))
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert "report" in rules.ticket_actions(other, ticket) and "report" not in rules.ticket_actions(assignee, ticket)


def test_at_approval_a_person_outside_the_unit_is_refused(drive, committee_head, assignee, unit, today):
    ticket = drive("proposed")
    with pytest.raises(ServiceError, match="phải thuộc đơn vị") as refused:
        services.ticket_approve(
            actor=committee_head, ticket=ticket, completion_date=today + dt.timedelta(days=5), implementing_unit=unit, assignee=assignee
        )
    assert refused.value.field == "assignee" and Ticket.objects.get(pk=ticket.pk).status == TicketStatus.PROPOSED


def test_the_approval_form_changes_the_implementer(client, drive, committee_head, unit, today):
    ticket = drive("proposed")
    other = UserFactory(username="nguoimoi2", unit=unit, roles=[Role.STAFF])
    client.force_login(committee_head)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'name="assignee"' in page and 'name="implementing_unit"' in page
    client.post(
        reverse("corrective_actions:action", args=[ticket.pk, "approve"]),
        {"implementing_unit": unit.pk, "assignee": other.pk, "completion_date": (today + dt.timedelta(days=9)).isoformat()},
    )
    assert Ticket.objects.get(pk=ticket.pk).assignee == other


# --- 5.6–5.7 checked at the completion date whatever was reported -------------------------------------------


def test_a_ticket_never_carried_out_is_checked_at_its_deadline_failed_and_reopened(drive, committee_head, travel, today):
    due = today + dt.timedelta(days=10)
    ticket = drive("in_progress", completion_date=due)
    assert "verify" not in rules.ticket_actions(committee_head, ticket)
    with pytest.raises(ServiceError, match="chưa đến ngày hoàn thành"):
        services.ticket_verify(actor=committee_head, ticket=ticket, verification=Verification.NOT_DONE, note="x")
    travel(due)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert "verify" in rules.ticket_actions(committee_head, ticket)
    assert ticket in Ticket.objects.awaiting(committee_head)
    with pytest.raises(ServiceError, match="chưa thực hiện") as refused:
        services.ticket_verify(actor=committee_head, ticket=ticket, verification=Verification.PASSED, note="x")
    assert refused.value.field == "verification"
    successor = services.ticket_verify(
        actor=committee_head, ticket=ticket, verification=Verification.NOT_DONE, note="Không có bằng chứng thực hiện."
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.verification, ticket.verified_on) == (TicketStatus.INEFFECTIVE, Verification.NOT_DONE, due)
    assert successor is not None and successor.predecessor == ticket and successor.status == TicketStatus.PRESENTED
    assert "Không đạt — chưa thực hiện" in successor.description
    assert AuditEntry.objects.filter(object_id=ticket.pk, to_state=TicketStatus.INEFFECTIVE).exists()


def test_an_incomplete_unreported_action_is_failed_as_incomplete(drive, committee_head, travel, today):
    ticket = drive("in_progress", completion_date=today + dt.timedelta(days=3))
    travel(today + dt.timedelta(days=4))
    services.ticket_verify(actor=committee_head, ticket=ticket, verification=Verification.INCOMPLETE, note="Mới làm 1/3.")
    assert Ticket.objects.get(pk=ticket.pk).verification == Verification.INCOMPLETE


def test_the_verify_form_of_an_unreported_ticket_offers_only_the_two_failures(client, drive, committee_head, travel, today):
    ticket = drive("in_progress", completion_date=today + dt.timedelta(days=2))
    travel(today + dt.timedelta(days=2))
    client.force_login(committee_head)
    page = client.get(ticket.get_absolute_url()).content.decode()
    section = page[page.index('data-testid="action-verify"') :]
    assert 'value="not_done"' in section and 'value="incomplete"' in section and 'value="passed"' not in section


def test_only_the_verifier_checks_and_can_verify_is_the_one_rule(drive, committee_head, secretary, unit_head, travel, today):
    ticket = drive("in_progress", completion_date=today)
    delegate = UserFactory(username="uyquyen", unit=unit_head.unit, roles=[Role.STAFF])
    assert rules.can_verify(committee_head, ticket)
    assert not rules.can_verify(secretary, ticket) and not rules.can_verify(delegate, ticket)
    services.ticket_delegate_set(actor=committee_head, ticket=ticket, delegate=delegate)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert rules.can_verify(delegate, ticket) and "verify" in rules.ticket_actions(delegate, ticket)
    assert ticket in Ticket.objects.awaiting(delegate)
    with pytest.raises(NotAllowed):
        services.ticket_verify(actor=secretary, ticket=ticket, verification=Verification.NOT_DONE, note="x")


# --- ticket chain links -------------------------------------------------------------------------------------


def test_a_unit_opens_the_linked_tickets_it_can_see_and_reads_the_others_as_plain_numbers(
    client, drive, unit_head, other_unit_head, staff_user
):
    ticket = drive("ineffective")
    successor = Ticket.objects.get(predecessor=ticket)
    successor_link = f'href="{successor.get_absolute_url()}"'
    client.force_login(unit_head)  # the unit concerned sees both
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert successor_link in page
    page = client.get(successor.get_absolute_url()).content.decode()
    assert f'href="{ticket.get_absolute_url()}" data-testid="predecessor"' in page
    client.force_login(other_unit_head)  # the implementing unit's head sees the first ticket only
    assert client.get(successor.get_absolute_url()).status_code == 404
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert successor_link not in page and f"phiếu số {successor.number_display}" in page
    client.force_login(staff_user)  # the requester: the same
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert successor_link not in page and f"phiếu số {successor.number_display}" in page


# --- 5.1.1 handled directly: the head chooses, assigns a doer and a checker ----------------------------------

HANDLINGS = {
    # handling -> (the head's own fields, the doer's own fields)
    "redo": ({}, {"redo_reference": "Hồ sơ 12/TN lập lại ngày 05/01"}),
    "repair": ({}, {"repair_scope": "Sửa lại số điện thoại trên bản sao."}),
    "accept": ({"accepted_by": "Phó Giám đốc Nguyễn Văn A", "acceptance_ground": "Không ảnh hưởng nội dung giải quyết."}, {}),
    "discard": ({}, {"discard_method": "Hủy 20 phôi in lỗi, có biên bản."}),
}


@pytest.fixture
def handler(unit):
    return UserFactory(username="xuly", full_name="Lê Văn Xử Lý", unit=unit, roles=[Role.STAFF])


@pytest.mark.parametrize("kind", list(HANDLINGS))
def test_each_handling_needs_its_own_fields_then_the_doer_records_and_the_checker_confirms(drive, unit_head, handler, kind):
    decision_fields, record_fields = HANDLINGS[kind]
    ticket = drive("open")
    for field in decision_fields:  # each of the head's own fields is required, named in the refusal
        partial = {**decision_fields, field: ""}
        with pytest.raises(ServiceError) as refused:
            services.ticket_correct(actor=unit_head, ticket=ticket, correction_kind=kind, handler=handler, checker=unit_head, **partial)
        assert refused.value.field == field
    services.ticket_correct(actor=unit_head, ticket=ticket, correction_kind=kind, handler=handler, checker=unit_head, **decision_fields)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.handler, ticket.checker, ticket.correction_kind) == (TicketStatus.HANDLING, handler, unit_head, kind)
    assert ticket in Ticket.objects.awaiting(handler) and rules.ticket_actions(unit_head, ticket) == []
    for field in record_fields:
        with pytest.raises(ServiceError) as refused:
            services.ticket_handling_record(actor=handler, ticket=ticket, correction_result="Đã xử lý.", **{**record_fields, field: ""})
        assert refused.value.field == field
    with pytest.raises(NotAllowed):
        services.ticket_handling_record(actor=unit_head, ticket=ticket, correction_result="Đã xử lý.", **record_fields)
    services.ticket_handling_record(actor=handler, ticket=ticket, correction_result="Đã xử lý.", **record_fields)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == TicketStatus.HANDLED and all(getattr(ticket, f) == v for f, v in {**decision_fields, **record_fields}.items())
    assert rules.ticket_actions(unit_head, ticket) == ["confirm_handling", "return_handling"]
    with pytest.raises(NotAllowed):
        services.ticket_handling_check(actor=handler, ticket=ticket, confirmed=True)
    services.ticket_handling_check(actor=unit_head, ticket=ticket, confirmed=True, note="Đã kiểm tra.")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == TicketStatus.CORRECTED and ticket.is_final and ticket.handling_check_note == "Đã kiểm tra."


def test_the_checker_returns_a_result_with_a_reason_and_the_doer_records_again(drive, unit_head, handler, secretary):
    ticket = drive("open")
    services.ticket_correct(actor=unit_head, ticket=ticket, correction_kind="redo", handler=handler, checker=secretary)
    services.ticket_handling_record(actor=handler, ticket=Ticket.objects.get(pk=ticket.pk), correction_result="x", redo_reference="y")
    with pytest.raises(ServiceError, match="ghi ý kiến") as refused:
        services.ticket_handling_check(actor=secretary, ticket=Ticket.objects.get(pk=ticket.pk), confirmed=False)
    assert refused.value.field == "note"
    services.ticket_handling_check(actor=secretary, ticket=Ticket.objects.get(pk=ticket.pk), confirmed=False, note="Thiếu chữ ký.")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == TicketStatus.HANDLING and "handle" in rules.ticket_actions(handler, ticket)


def test_the_doer_and_the_checker_are_two_people_of_the_agency(drive, unit_head, handler, other_organisation):
    ticket = drive("open")
    with pytest.raises(ServiceError) as refused:
        services.ticket_correct(actor=unit_head, ticket=ticket, correction_kind="redo", handler=handler, checker=handler)
    assert refused.value.field == "checker"
    stranger = UserFactory(username="nguoingoai", unit=UnitFactory(organisation=other_organisation), roles=[Role.STAFF])
    with pytest.raises(ServiceError, match="không thuộc cơ quan"):
        services.ticket_correct(actor=unit_head, ticket=ticket, correction_kind="redo", handler=stranger, checker=unit_head)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.OPEN


def test_the_doers_form_offers_only_the_chosen_handlings_fields(client, drive, unit_head, handler):
    ticket = drive("open")
    services.ticket_correct(actor=unit_head, ticket=ticket, correction_kind="discard", handler=handler, checker=unit_head)
    client.force_login(handler)
    page = client.get(ticket.get_absolute_url()).content.decode()
    section = page[page.index('data-testid="action-handle"') :]
    assert 'name="discard_method"' in section and 'name="redo_reference"' not in section and 'name="repair_scope"' not in section


def test_the_printed_form_shows_the_handling_the_doer_and_the_checker(drive, unit_head, handler):
    from corrective_actions.pdf import ticket_pdf_context

    ticket = drive("open")
    services.ticket_correct(
        actor=unit_head,
        ticket=ticket,
        correction_kind="accept",
        handler=handler,
        checker=unit_head,
        accepted_by="Phó Giám đốc",
        acceptance_ground="Không ảnh hưởng kết quả.",
    )
    services.ticket_handling_record(actor=handler, ticket=Ticket.objects.get(pk=ticket.pk), correction_result="Đã báo công dân.")
    services.ticket_handling_check(actor=unit_head, ticket=Ticket.objects.get(pk=ticket.pk), confirmed=True)
    from django.template.loader import render_to_string

    html = render_to_string("pdf/corrective_actions/bm_ctcl_01.html", ticket_pdf_context(Ticket.objects.get(pk=ticket.pk)))
    for text in ["Chấp nhận", handler.display_name, unit_head.display_name, "Phó Giám đốc", "Không ảnh hưởng kết quả.", "đã xác nhận"]:
        assert text in html, text


# --- plausible values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1999, 12, 31)])
def test_a_description_dated_before_2000_is_refused_naming_the_field(staff_user, unit, day):
    with pytest.raises(ServiceError, match="Ngày mô tả .* không hợp lệ: năm phải từ 2000 đến 2100") as refused:
        services.ticket_open(actor=staff_user, requesting_unit=unit, description="x", description_date=day)
    assert refused.value.field == "description_date" and not Ticket.objects.exists()


@pytest.mark.parametrize("years_ahead, refused", [(5, False), (6, True), (7974, True)])
def test_a_completion_date_more_than_five_years_ahead_is_refused(drive, committee_head, today, years_ahead, refused):
    from qms.workdays import add_years

    ticket = drive("proposed")
    due = add_years(today, years_ahead) if today.year + years_ahead <= 9999 else dt.date(9999, 12, 31)
    if refused:
        with pytest.raises(ServiceError, match="Ngày hoàn thành") as refusal:
            services.ticket_approve(actor=committee_head, ticket=ticket, completion_date=due)
        assert refusal.value.field == "completion_date"
    else:
        services.ticket_approve(actor=committee_head, ticket=ticket, completion_date=due)
        assert Ticket.objects.get(pk=ticket.pk).completion_date == due


def test_the_opening_form_refuses_01_01_0001_with_the_reason(client, staff_user, unit):
    client.force_login(staff_user)
    response = client.post(
        reverse("corrective_actions:create"),
        {
            "requesting_unit": unit.pk,
            "unit": unit.pk,
            "kind": "corrective",
            "source": "nonconformity",
            "description": "x",
            "description_date": "0001-01-01",
        },
    )
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "không hợp lệ" in response.content.decode()


def test_the_batch_page_costs_the_same_queries_for_two_tickets_as_for_eight(client, drive, secretary):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(secretary)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("corrective_actions:present_batch")).status_code == 200
        return len(queries)

    for _ in range(2):
        drive("submitted")
    client.get(reverse("corrective_actions:present_batch"))  # sessions and permissions cached
    few = count()
    for _ in range(6):
        drive("submitted")
    assert count() == few
