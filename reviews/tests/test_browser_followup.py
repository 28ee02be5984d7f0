"""Issue 10 in a real browser: the steering-committee head opens the follow-up report from the home page
(page and PDF); a staff member drafts the unit's report and the unit's head submits it."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from reviews.models import ReviewAction, UnitReportStatus  # noqa: E402
from reviews.tests.factories import collecting_review, signed_review  # noqa: E402
from reviews.tests.test_browser import SECTION_TEXTS, message, shot, sign_in  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is required in CI")
        pytest.skip("/usr/bin/chromium is not installed")


def test_the_committee_head_opens_the_followup_report_from_the_home_page_and_downloads_its_pdf(
    page, live_server, secretary, committee_head, unit_head, unit, other_unit, today
):
    review, minutes = signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        attendees=[secretary, committee_head, unit_head],
        actions=[
            ("Sửa đổi quy trình kiểm soát hồ sơ", unit, today + dt.timedelta(days=10)),
            ("Tập huấn ISO cho cán bộ mới", other_unit, today + dt.timedelta(days=20)),
        ],
    )
    late = minutes.actions.get(responsible_unit=other_unit)
    ReviewAction.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=6))

    sign_in(page, live_server, committee_head)
    page.get_by_role("link", name="Mở báo cáo theo dõi (trang và PDF)").click()
    expect(page.get_by_test_id("followup-title")).to_be_visible()
    rows = page.get_by_test_id("followup-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    overdue = page.get_by_test_id("followup-table").locator("tr[data-overdue='1']")
    expect(overdue).to_contain_text("Tập huấn ISO cho cán bộ mới")
    expect(overdue).to_contain_text(other_unit.name)
    expect(overdue.get_by_test_id("days-late")).to_have_text("6")
    expect(page.get_by_test_id("followup-overdue")).to_have_text("1")
    shot(page, "10-followup-report")

    with page.expect_download() as download:
        page.get_by_test_id("followup-pdf").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # The same report for one review, from its row.
    page.get_by_role("link", name=review.title).first.click()
    expect(page.get_by_test_id("followup-table").locator("tbody tr")).to_have_count(2)


def test_a_staff_member_drafts_the_unit_report_and_the_unit_head_submits_it(page, live_server, secretary, unit_head, staff_user, unit):
    review = collecting_review(units=[unit], attendees=[secretary, unit_head], number=1)
    report = review.unit_reports.get()

    sign_in(page, live_server, staff_user, f"/reviews/{review.pk}/")
    page.get_by_test_id("my-report").click()
    for label, text in SECTION_TEXTS:
        page.get_by_label(label, exact=True).fill(text)
    expect(page.get_by_test_id("report-submit")).to_have_count(0)  # staff draft; the head submits
    page.get_by_test_id("report-draft").click()
    expect(message(page)).to_have_text("Đã lưu nháp báo cáo.")
    report.refresh_from_db()
    assert report.status == UnitReportStatus.DRAFT and report.s6_resources == SECTION_TEXTS[5][1]
    shot(page, "10-staff-draft")

    sign_in(page, live_server, unit_head, f"/reviews/{review.pk}/")
    page.get_by_test_id("my-report").click()
    expect(page.get_by_label(SECTION_TEXTS[5][0], exact=True)).to_have_value(SECTION_TEXTS[5][1])
    page.get_by_test_id("report-submit").click()
    expect(message(page)).to_have_text("Đã nộp báo cáo.")
    expect(page.get_by_test_id("report-status")).to_have_text("Đã nộp")
    report.refresh_from_db()
    assert (report.status, report.submitted_by) == (UnitReportStatus.SUBMITTED, unit_head)
    shot(page, "10-head-submitted")
