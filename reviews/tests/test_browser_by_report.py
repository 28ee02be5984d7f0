"""Issue 14 in a real browser: the secretary runs a review by report (QT.CTCL 5.8.2) from the review list to
the approved result notice, with the Lãnh đạo Ban ISO and the top leader acting in turn."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from reviews.models import BY_REPORT_INPUT_FIELDS, ResultNoticeStatus, Review, ReviewStatus  # noqa: E402
from reviews.tests.test_browser import ddmmyyyy, message, shot, sign_in  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is required in CI")
        pytest.skip("/usr/bin/chromium is not installed")


def test_the_secretary_runs_a_review_by_report_to_the_approved_result_notice(
    page, live_server, secretary, committee_head, top_leader, committee_member, unit, today
):
    sign_in(page, live_server, secretary, "/reviews/")
    page.get_by_test_id("by-report-create").click()
    page.get_by_role("button", name="Lập báo cáo").click()
    expect(message(page)).to_contain_text("điền sẵn")
    for name in BY_REPORT_INPUT_FIELDS:
        box = page.locator(f"textarea[name={name}]")
        if not box.input_value().strip():
            box.fill("Đã rà soát: đáp ứng yêu cầu của HTQLCL.")
    page.get_by_role("button", name="Lưu báo cáo").click()
    page.get_by_test_id("by-report-submit").click()
    expect(page.get_by_test_id("by-report-state")).to_have_text("Chờ Lãnh đạo Ban ISO phê duyệt báo cáo")
    review = Review.objects.get(kind=Review.Kind.BY_REPORT)
    url = f"/reviews/{review.pk}/by-report/"

    sign_in(page, live_server, committee_head, url)
    page.get_by_label("Thời hạn cho ý kiến (ngày làm việc)").fill("3")
    page.get_by_test_id("by-report-approve").click()
    expect(page.get_by_test_id("comment-table")).to_contain_text(top_leader.display_name)

    sign_in(page, live_server, top_leader, url)
    page.get_by_label("Ý kiến của bạn").fill("Nhất trí; đề nghị chú trọng cải cách thủ tục hành chính.")
    page.get_by_test_id("comment-form").get_by_role("button").click()
    expect(message(page)).to_contain_text("Đã gửi ý kiến")

    sign_in(page, live_server, secretary, url)
    expect(page.get_by_test_id("comment-count")).to_have_text("1/2 người đã cho ý kiến.")
    shot(page, "14-by-report-comments")
    page.get_by_test_id("notice-create").click()
    expect(page.locator("textarea[name=comments_summary]")).to_contain_text("Nhất trí; đề nghị chú trọng cải cách thủ tục hành chính.")
    page.locator("textarea[name=conclusions]").fill("HTQLCL được duy trì, vận hành có hiệu lực.")
    page.locator("textarea[name=outputs_changes]").fill("Không có.")
    page.locator("textarea[name=outputs_resources]").fill("Không có.")
    page.locator("textarea[name=act-0-description]").fill("Số hóa hồ sơ một cửa")
    page.locator("select[name=act-0-responsible_unit]").select_option(str(unit.pk))
    page.locator("input[name=act-0-deadline]").fill(ddmmyyyy(today + dt.timedelta(days=60)))
    page.locator("select[name=act-0-output_heading]").select_option("improvement")
    page.get_by_role("button", name="Lưu thông báo").click()
    page.get_by_test_id("notice-submit").click()
    expect(page.get_by_test_id("notice-state")).to_have_text("Chờ Lãnh đạo Ban ISO trình")

    notice_url = f"/reviews/{review.pk}/result-notice/"
    sign_in(page, live_server, committee_head, notice_url)
    page.get_by_test_id("notice-forward").click()
    expect(page.get_by_test_id("notice-state")).to_have_text("Chờ Lãnh đạo cao nhất phê duyệt")

    sign_in(page, live_server, top_leader, notice_url)
    page.get_by_test_id("notice-approve").click()
    expect(page.get_by_test_id("notice-state")).to_have_text("Đã phê duyệt và gửi các đơn vị")
    expect(page.get_by_test_id("notice-outputs")).to_contain_text("Số hóa hồ sơ một cửa")
    shot(page, "14-result-notice-approved")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SIGNED and review.result_notice.status == ResultNoticeStatus.APPROVED
