"""An action decided in the minutes opens a corrective-action ticket (BM.CTCL.01) in one click; the link
goes both ways and the ticket's state shows in the follow-up and in the next review's inputs."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import SIGNING_SECRET
from corrective_actions import services as ca
from corrective_actions.models import Source, Ticket, TicketStatus
from corrective_actions.tests.factories import TicketFactory
from qms.errors import ServiceError
from qms.models import AuditEntry
from qms.tests.concurrency import raised, run_at_once
from qms.tests.factories import restore_role_groups
from reviews import selectors, services
from reviews.models import ActionStatus, ReviewAction, ReviewStatus
from reviews.tests.factories import local_datetime, preparing_review, ready_minutes, signed_review

PASSWORD = "Mật-khẩu-thử-2026"


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def signed(unit, other_unit, secretary, committee_head):
    """A review held a month ago, its minutes signed, two actions under follow-up."""
    return signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        meeting_start=local_datetime(in_days(-30)),
        actions=[("Rà soát quy trình kiểm soát hồ sơ", unit, in_days(30)), ("Đào tạo ISO cho cán bộ mới", other_unit, in_days(40))],
    )


@pytest.fixture
def action(signed, unit):
    return ReviewAction.objects.get(review=signed[0], responsible_unit=unit)


def _action_audit(action):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(ReviewAction), object_id=action.pk)


# --- the service -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_secretary_opens_a_ticket_that_points_back_at_the_action(signed, action, secretary, unit):
    review, minutes = signed
    ticket = services.review_action_ticket_open(action=action, actor=secretary)

    action.refresh_from_db()
    assert action.ticket == ticket
    assert ticket.review_action == action
    assert (ticket.source, ticket.status) == (Source.MANAGEMENT_REVIEW, TicketStatus.SUBMITTED)
    assert ticket.requesting_unit == unit and ticket.unit == unit and ticket.requester == secretary
    number = f"{minutes.number:02d}/{review.organisation.minutes_symbol}"
    assert "Rà soát quy trình kiểm soát hồ sơ" in ticket.description
    assert review.title in ticket.description and number in ticket.description
    assert ticket.origin_url == reverse("reviews:action_detail", args=[action.pk])
    assert review.title in ticket.origin_label and number in ticket.origin_label
    assert _action_audit(action).filter(action="Mở phiếu HĐKP/cải tiến", note=f"Phiếu số {ticket.number_display}").count() == 1
    # The ticket audits its own opening.
    assert (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket), object_id=ticket.pk, to_state=TicketStatus.SUBMITTED
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_opening_a_ticket_leaves_the_signed_minutes_intact(signed, action, secretary):
    _review, minutes = signed
    services.review_action_ticket_open(action=action, actor=secretary)
    minutes.refresh_from_db()
    assert selectors.minutes_content_unchanged(minutes) is True


@pytest.mark.django_db
def test_the_committee_head_may_open_the_ticket_too(action, committee_head):
    ticket = services.review_action_ticket_open(action=action, actor=committee_head)
    assert ReviewAction.objects.get(pk=action.pk).ticket_id == ticket.pk


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["committee_member", "unit_head", "other_unit_head", "staff"])
def test_other_roles_may_not_open_a_ticket(action, role_users, role):
    with pytest.raises(ServiceError, match="Chỉ Thư ký ISO hoặc Trưởng ban"):
        services.review_action_ticket_open(action=action, actor=role_users[role])
    assert not Ticket.objects.exists()
    assert ReviewAction.objects.get(pk=action.pk).ticket_id is None


@pytest.mark.django_db
def test_a_second_click_is_refused_and_names_the_ticket_already_open(action, secretary, committee_head):
    first = services.review_action_ticket_open(action=action, actor=secretary)
    stale = ReviewAction.objects.get(pk=action.pk)
    stale.ticket_id = None  # a page loaded before the first click
    with pytest.raises(ServiceError, match=f"đã có phiếu HĐKP số {first.number_display}"):
        services.review_action_ticket_open(action=stale, actor=committee_head)
    assert Ticket.objects.count() == 1
    assert _action_audit(action).filter(action="Mở phiếu HĐKP/cải tiến").count() == 1


@pytest.mark.django_db
def test_an_action_of_unsigned_minutes_gets_no_ticket(unit, secretary, committee_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head, actions=[("Cập nhật sổ tay", unit, in_days(20))])
    draft_action = minutes.actions.get()
    with pytest.raises(ServiceError, match="biên bản chưa ký"):
        services.review_action_ticket_open(action=draft_action, actor=secretary)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ActionStatus.DONE, ActionStatus.CANCELLED])
def test_a_finished_action_gets_no_ticket(action, secretary, status):
    ReviewAction.objects.filter(pk=action.pk).update(status=status)
    with pytest.raises(ServiceError, match="đã hoàn thành hoặc đã hủy"):
        services.review_action_ticket_open(action=action, actor=secretary)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_an_action_of_a_closed_review_gets_no_ticket(signed, action, secretary):
    signed[0].__class__.objects.filter(pk=signed[0].pk).update(status=ReviewStatus.CLOSED)
    with pytest.raises(ServiceError, match="đã hoàn thành"):
        services.review_action_ticket_open(action=action, actor=secretary)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_an_action_in_progress_may_get_a_ticket(action, secretary, unit_head):
    services.action_progress_record(action=action, actor=unit_head, note="Đang rà soát", progress=30)
    assert services.review_action_ticket_open(action=action, actor=secretary).pk


@pytest.mark.django_db
def test_the_ticket_follows_the_action_into_the_corrected_minutes(signed, action, secretary, committee_head):
    _review, minutes = signed
    ticket = services.review_action_ticket_open(action=action, actor=secretary)
    revision = services.minutes_revise(minutes=minutes, actor=secretary, reason="Sửa tên đơn vị")
    services.minutes_sign(minutes=revision, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    copy = ReviewAction.objects.get(minutes=revision, origin=action)
    assert copy.ticket_id == ticket.pk
    assert ReviewAction.objects.get(pk=action.pk).ticket_id is None
    assert ReviewAction.objects.followed().get(ticket=ticket) == copy


# --- pages ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_click_on_the_action_page_opens_the_ticket_and_the_page_shows_its_number_state_and_link(client, action, secretary):
    client.force_login(secretary)
    page = client.get(reverse("reviews:action_detail", args=[action.pk])).content.decode()
    assert "Mở phiếu HĐKP" in page and reverse("reviews:action_ticket_open", args=[action.pk]) in page

    response = client.post(reverse("reviews:action_ticket_open", args=[action.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("reviews:action_detail", args=[action.pk])
    ticket = Ticket.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f"Phiếu số {ticket.number_display}" in page
    assert str(TicketStatus.SUBMITTED.label) in page
    assert f'href="{reverse("corrective_actions:detail", args=[ticket.pk])}"' in page
    assert reverse("reviews:action_ticket_open", args=[action.pk]) not in page  # no second button

    # The ticket moves on; the action page shows its present state.
    ca.ticket_present(actor=secretary, ticket=ticket)
    page = client.get(response["Location"]).content.decode()
    assert str(TicketStatus.PRESENTED.label) in page and str(TicketStatus.SUBMITTED.label) not in page


@pytest.mark.django_db
def test_the_ticket_page_links_back_to_the_action(client, action, secretary):
    ticket = services.review_action_ticket_open(action=action, actor=secretary)
    client.force_login(secretary)
    page = client.get(reverse("corrective_actions:detail", args=[ticket.pk])).content.decode()
    assert f'<a href="{reverse("reviews:action_detail", args=[action.pk])}">' in page
    assert "Các quyết định sau khi họp xem xét của Lãnh đạo đề ra" in page  # QT.CTCL 5.1.2


@pytest.mark.django_db
def test_a_second_click_through_the_page_shows_a_clear_message_and_opens_nothing(client, action, secretary):
    client.force_login(secretary)
    url = reverse("reviews:action_ticket_open", args=[action.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "đã có phiếu HĐKP số" in response.content.decode()
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_the_unit_head_sees_the_ticket_but_no_button(client, action, secretary, unit_head):
    client.force_login(unit_head)
    page = client.get(reverse("reviews:action_detail", args=[action.pk])).content.decode()
    assert "Chưa mở phiếu" in page and reverse("reviews:action_ticket_open", args=[action.pk]) not in page
    ticket = services.review_action_ticket_open(action=action, actor=secretary)
    page = client.get(reverse("reviews:action_detail", args=[action.pk])).content.decode()
    assert f"Phiếu số {ticket.number_display}" in page
    assert client.get(reverse("corrective_actions:detail", args=[ticket.pk])).status_code == 200


@pytest.mark.django_db
def test_the_list_row_button_opens_the_ticket_and_comes_back_to_the_filtered_list(client, signed, action, secretary):
    client.force_login(secretary)
    list_url = reverse("reviews:action_list") + f"?review={signed[0].pk}"
    page = client.get(list_url).content.decode()
    assert page.count("Mở phiếu HĐKP") == 2
    response = client.post(reverse("reviews:action_ticket_open", args=[action.pk]), {"next": list_url})
    assert response["Location"] == list_url
    ticket = Ticket.objects.get()
    page = client.get(list_url).content.decode()
    assert page.count("Mở phiếu HĐKP") == 1
    assert ticket.number_display in page and str(TicketStatus.SUBMITTED.label) in page


@pytest.mark.django_db
def test_a_next_address_off_the_site_is_ignored(client, action, secretary):
    client.force_login(secretary)
    response = client.post(reverse("reviews:action_ticket_open", args=[action.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("reviews:action_detail", args=[action.pk])


@pytest.mark.django_db
def test_the_committee_member_sees_no_button_in_the_list(client, action, committee_member):
    client.force_login(committee_member)
    assert "Mở phiếu HĐKP" not in client.get(reverse("reviews:action_list")).content.decode()


@pytest.mark.django_db
def test_the_reviews_follow_up_block_shows_the_ticket_number_and_state(client, signed, action, secretary):
    ticket = services.review_action_ticket_open(action=action, actor=secretary)
    client.force_login(secretary)
    page = client.get(reverse("reviews:detail", args=[signed[0].pk])).content.decode()
    block = page.split('data-testid="actions-block"')[1]
    assert ticket.number_display in block and str(TicketStatus.SUBMITTED.label) in block
    assert f'href="{reverse("corrective_actions:detail", args=[ticket.pk])}"' in block


@pytest.mark.django_db
def test_the_action_list_issues_the_same_queries_for_1_and_50_actions_with_tickets(client, secretary, committee_head, unit, other_unit):
    review, minutes = signed_review(
        units=[unit, other_unit], secretary=secretary, committee_head=committee_head, actions=[("Hành động 1", unit, in_days(5))]
    )
    services.review_action_ticket_open(action=minutes.actions.get(), actor=secretary)
    client.force_login(secretary)
    url = reverse("reviews:action_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).context["page"]) == 1
    actions = ReviewAction.objects.bulk_create(
        ReviewAction(
            review=review,
            minutes=minutes,
            description=f"Hành động {i}",
            deadline=in_days(i),
            responsible_unit=other_unit if i % 2 else unit,
        )
        for i in range(2, 51)
    )
    for n, a in enumerate(actions[::2], start=100):  # half of them with a ticket, half with the button
        ReviewAction.objects.filter(pk=a.pk).update(ticket=TicketFactory(number=n, requesting_unit=unit, requester=secretary))
    with CaptureQueriesContext(connection) as fifty:
        page = client.get(url)
        assert len(page.context["page"]) == 50
    assert len(one) == len(fifty), (len(one), len(fifty))
    assert page.content.decode().count("Mở phiếu HĐKP") == 24


# --- the next review's inputs -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_next_reviews_consolidated_report_shows_the_ticket_state_and_the_tickets_since_the_last_review(
    signed, action, secretary, unit, other_unit
):
    ticket = services.review_action_ticket_open(action=action, actor=secretary)
    ca.ticket_present(actor=secretary, ticket=ticket)
    later = preparing_review(
        units=[unit, other_unit],
        meeting_start=local_datetime(in_days(60)),
        sections={unit.pk: {"s3_audit_actions": "Đánh giá nội bộ: 01 điểm KPH."}},
    )

    report = services.consolidated_report_generate(review=later, actor=secretary)

    s1 = report.s1_general.splitlines()
    row = next(r for r in s1 if "Rà soát quy trình kiểm soát hồ sơ" in r)
    assert row.endswith(f"; phiếu HĐKP số {ticket.number_display}: {TicketStatus.PRESENTED.label}")
    assert not next(r for r in s1 if "Đào tạo ISO" in r).count("phiếu HĐKP")
    s3 = report.s3_audit_actions
    assert s3.startswith("Phiếu yêu cầu hành động khắc phục/cải tiến (BM.CTCL.01) từ ")
    assert "- Mở mới: 1 phiếu" in s3 and "- Đang mở: 1 phiếu, trong đó quá hạn hoàn thành: 0 phiếu." in s3
    assert f"- Phiếu số {ticket.number_display} — {unit.name} — {TicketStatus.PRESENTED.label} — " in s3
    units_text = f"\n\n{unit.name}:\nĐánh giá nội bộ: 01 điểm KPH."  # the units' text still follows
    assert s3.index(units_text) > s3.index(f"- Phiếu số {ticket.number_display}")


@pytest.mark.django_db
def test_the_minutes_of_the_next_review_show_the_ticket_state_in_topic_one(signed, action, secretary, unit):
    ticket = services.review_action_ticket_open(action=action, actor=secretary)
    later = preparing_review(units=[unit], meeting_start=local_datetime(in_days(60)))
    minutes = services.minutes_create(review=later, actor=secretary)
    assert f"phiếu HĐKP số {ticket.number_display}: {TicketStatus.SUBMITTED.label}" in minutes.topic_1


# --- concurrency ------------------------------------------------------------------------------------------------


@pytest.fixture
def roles_restored(django_db_blocker):
    ContentType.objects.clear_cache()  # a flush by an earlier transactional test removed the cached rows
    restore_role_groups()


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_open_one_ticket(roles_restored, unit, other_unit, secretary, committee_head):
    _review, minutes = signed_review(
        units=[unit, other_unit], secretary=secretary, committee_head=committee_head, actions=[("Rà soát quy trình", unit, in_days(30))]
    )
    pk = minutes.actions.get().pk

    def click(actor):
        return lambda: services.review_action_ticket_open(action=ReviewAction.objects.get(pk=pk), actor=actor)

    outcomes = run_at_once(click(secretary), click(committee_head))
    refused = raised(outcomes)
    assert len(refused) == 1 and isinstance(refused[0], ServiceError), outcomes
    assert "không mở thêm phiếu khác" in refused[0].message
    ticket = Ticket.objects.get()
    assert ReviewAction.objects.get(pk=pk).ticket_id == ticket.pk
    assert _action_audit(ReviewAction(pk=pk)).filter(action="Mở phiếu HĐKP/cải tiến").count() == 1
