"""The management review in a real browser: each step by its own user, signed in through the real login page."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from conftest import PASSWORD, SIGNING_SECRET  # noqa: E402
from qms.roles import Role  # noqa: E402
from qms.tests.factories import UserFactory  # noqa: E402
from qms.workdays import add_working_days  # noqa: E402
from reviews import (
    selectors,  # noqa: E402
)
from reviews.models import (  # noqa: E402
    MinutesStatus,  # noqa: E402
    Review,
    ReviewStatus,
    UnitReport,
    UnitReportStatus,
)
from reviews.tests.factories import (  # noqa: E402
    ReviewFactory,
    collecting_review,
    local_datetime,
    preparing_review,
    ready_minutes,
)

SHOTS = "/tmp/shots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is required in CI")
        pytest.skip("/usr/bin/chromium is not installed")


def sign_in(page, live_server, user, next_url: str = "/"):
    page.set_default_timeout(10_000)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server.url}{next_url}")
    expect(page.get_by_role("button", name=user.display_name)).to_be_visible()


def shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/b-{name}.png", full_page=True)


def message(page):
    return page.get_by_test_id("message")


def ddmmyyyy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- 1. plan -> approval -> notice -> status board ---


def test_the_secretary_plans_the_head_approves_and_the_notice_opens_the_status_board(
    page, live_server, secretary, committee_head, unit, other_unit, unit_head, other_unit_head, focal_point
):
    other_focal_point = UserFactory(username="daumoi2", full_name="Châu Văn Mốc", unit=other_unit, roles=[Role.FOCAL_POINT])
    today = timezone.localdate()
    meeting_day = add_working_days(today, 3)
    deadline = add_working_days(today, 1)
    title = "Họp xem xét của lãnh đạo về HTQLCL lần 2 năm 2026"

    sign_in(page, live_server, secretary, "/reviews/new/")
    expect(page.get_by_role("heading", name="Lập kế hoạch họp xem xét")).to_be_visible()
    page.locator("#id_title").fill(title)  # "Tên cuộc họp" (the combined meeting's name also has it)
    page.get_by_label("Thời gian bắt đầu họp").fill(f"{meeting_day:%Y-%m-%d}T08:00")
    page.get_by_label("Thời gian dự kiến kết thúc").fill(f"{meeting_day:%Y-%m-%d}T11:30")
    page.get_by_label("Địa điểm").fill("Phòng họp số 1, tầng 3")
    page.get_by_label("Hạn nộp báo cáo đơn vị").fill(f"{deadline:%Y-%m-%d}")
    units = page.locator("#div_id_units")
    units.get_by_label(unit.name, exact=True).check()
    units.get_by_label(other_unit.name, exact=True).check()
    attendees = page.locator("#div_id_attendees")
    for person in (committee_head, secretary, unit_head, focal_point, other_focal_point):
        attendees.get_by_label(person.display_name).check()
    attendees.get_by_label(other_unit_head.display_name).uncheck()  # sends a deputy: not invited by name
    shot(page, "1-plan-form")
    page.get_by_test_id("plan-save").click()

    expect(message(page)).to_have_text("Đã lưu dự thảo kế hoạch.")
    expect(page.get_by_test_id("review-status")).to_have_text("Dự thảo kế hoạch")
    review = Review.objects.get(title=title)
    assert review.meeting_date == meeting_day and review.report_deadline == deadline
    assert set(review.units.all()) == {unit, other_unit}
    assert set(review.attendees.all()) == {committee_head, secretary, unit_head, focal_point, other_focal_point}
    page.get_by_test_id("plan-submit").click()
    expect(message(page)).to_have_text("Đã trình kế hoạch để phê duyệt.")
    expect(page.get_by_test_id("review-status")).to_have_text("Chờ phê duyệt")

    sign_in(page, live_server, committee_head, f"/reviews/{review.pk}/")
    approval = page.get_by_test_id("approval")
    approval.get_by_label("Ý kiến (không bắt buộc)").fill("Đồng ý, chuẩn bị kỹ báo cáo mục tiêu chất lượng.")
    approval.get_by_role("button", name="Phê duyệt").click()
    expect(message(page)).to_have_text("Đã phê duyệt kế hoạch.")
    expect(page.get_by_test_id("review-status")).to_have_text("Đã phê duyệt")
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED and review.approved_by == committee_head
    assert review.head_comment == "Đồng ý, chuẩn bị kỹ báo cáo mục tiêu chất lượng."

    sign_in(page, live_server, secretary, f"/reviews/{review.pk}/")
    expect(page.get_by_test_id("actions")).to_contain_text(f"Nếu phát hành hôm nay, ngày họp sớm nhất là {ddmmyyyy(meeting_day)}.")
    page.get_by_role("button", name="Phát hành thông báo họp (BM.HT.06.01)").click()
    expect(message(page)).to_have_text("Đã phát hành thông báo họp và gửi đến thành phần tham dự.")
    expect(page.get_by_test_id("notice-number")).to_have_text("Số: 01/TB-BCĐ ISO")
    expect(page.get_by_test_id("review-status")).to_have_text("Đã thông báo – đang thu báo cáo")
    review.refresh_from_db()
    assert (review.status, review.notice_number, review.notice_year) == (ReviewStatus.COLLECTING, 1, today.year)
    assert review.notice_issued_by == secretary
    assert sorted(review.unit_reports.values_list("unit__code", "status")) == [
        (other_unit.code, UnitReportStatus.NOT_STARTED),
        (unit.code, UnitReportStatus.NOT_STARTED),
    ]

    page.get_by_test_id("board-link").click()
    expect(page.get_by_role("heading", name="Theo dõi nộp báo cáo đơn vị")).to_be_visible()
    board = page.get_by_test_id("status-board")
    for u in (unit, other_unit):
        row = board.locator(f"tr[data-unit='{u.code}']")
        expect(row.locator("td").nth(0)).to_have_text(u.name)
        expect(row.locator("td").nth(1)).to_have_text("●")  # "Chưa bắt đầu"
        expect(row.locator("td").nth(3)).to_have_text("")  # not "Đã nộp"
    expect(page.get_by_test_id("board-counts").locator(".h4")).to_have_text(["2", "0", "0", "2"])
    shot(page, "1-status-board")


def test_the_secretary_is_refused_a_notice_for_a_meeting_less_than_three_working_days_ahead(
    page, live_server, secretary, committee_head, unit
):
    today = timezone.localdate()
    earliest = add_working_days(today, 3)
    too_soon = add_working_days(today, 2)
    review = ReviewFactory(
        status=ReviewStatus.APPROVED,
        created_by=secretary,
        approved_by=committee_head,
        approved_at=timezone.now(),
        meeting_start=local_datetime(too_soon),
        meeting_end=local_datetime(too_soon, 11),
        report_deadline=today,
        units=[unit],
    )

    sign_in(page, live_server, secretary, f"/reviews/{review.pk}/")
    page.get_by_role("button", name="Phát hành thông báo họp (BM.HT.06.01)").click()

    expect(message(page)).to_have_text(
        f"Cuộc họp phải được thông báo trước ít nhất 3 ngày làm việc: ngày họp sớm nhất có thể là {ddmmyyyy(earliest)}."
    )
    expect(page.get_by_test_id("review-status")).to_have_text("Đã phê duyệt")
    shot(page, "1-notice-refused")
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED and review.notice_number is None
    assert not UnitReport.objects.filter(review=review).exists()


# --- 2. a unit's report BM.HT.06.02 ---

SECTION_TEXTS = [
    ("1. Tình hình chung của Hệ thống quản lý chất lượng (HTQLCL)", "HTQLCL của Văn phòng vận hành ổn định."),
    ("2. Tình hình thực hiện chính sách và mục tiêu chất lượng", "Đạt 5/6 mục tiêu chất lượng năm 2026."),
    (
        "3. Kết quả đánh giá nội bộ gần nhất và hành động khắc phục phòng ngừa sự không phù hợp",
        "Đánh giá nội bộ tháng 9: 02 điểm không phù hợp, đã khắc phục.",
    ),
    ("4. Phản hồi của các bên liên quan", "Không có khiếu nại của công dân, tổ chức."),
    ("5. Tình hình triển khai thực hiện mục tiêu chất lượng", "Mục tiêu số hóa hồ sơ đạt 92%."),
    ("6. Nguồn lực cần thiết cho việc duy trì và cải tiến HTQLCL", "Cần bổ sung 01 máy quét tài liệu."),
    ("7. Các thay đổi có ảnh hưởng tới HTQLCL", "Nghị định mới về văn thư có hiệu lực từ 01/01/2027."),
]


def test_a_unit_head_drafts_attaches_and_submits_the_report_and_the_board_shows_it_submitted(
    page, live_server, tmp_path, secretary, unit_head, unit, other_unit
):
    review = collecting_review(units=[unit, other_unit], attendees=[secretary, unit_head], number=1)
    report = review.unit_reports.get(unit=unit)
    evidence = tmp_path / "so-lieu-muc-tieu.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

    sign_in(page, live_server, unit_head, f"/reviews/{review.pk}/")
    page.get_by_test_id("my-report").click()
    expect(page.get_by_role("heading", name="Báo cáo thực hiện HTQLCL (BM.HT.06.02)")).to_be_visible()
    for label, text in SECTION_TEXTS:
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Thêm tệp đính kèm (chọn được nhiều tệp)").set_input_files(str(evidence))
    page.get_by_test_id("report-draft").click()

    expect(message(page)).to_have_text("Đã lưu nháp báo cáo.")
    expect(page.get_by_test_id("attachments")).to_contain_text("so-lieu-muc-tieu.pdf")
    expect(page.get_by_test_id("report-status")).to_have_text("Đang soạn")
    expect(page.get_by_label(SECTION_TEXTS[6][0], exact=True)).to_have_value(SECTION_TEXTS[6][1])
    report.refresh_from_db()
    assert report.status == UnitReportStatus.DRAFT and report.s7_changes == SECTION_TEXTS[6][1]
    assert list(report.attachments.values_list("original_name", flat=True)) == ["so-lieu-muc-tieu.pdf"]
    shot(page, "2-report-draft")

    page.get_by_test_id("report-submit").click()
    expect(message(page)).to_have_text("Đã nộp báo cáo.")
    expect(page.get_by_test_id("report-status")).to_have_text("Đã nộp")
    for label, text in SECTION_TEXTS:
        expect(page.get_by_role("heading", name=label)).to_be_visible()
        expect(page.locator("article")).to_contain_text(text)
    expect(page.get_by_role("link", name="so-lieu-muc-tieu.pdf")).to_be_visible()
    shot(page, "2-report-submitted")
    report.refresh_from_db()
    assert (report.status, report.submitted_by, report.is_late) == (UnitReportStatus.SUBMITTED, unit_head, False)
    assert [getattr(report, f"s{i}_{n}") for i, n in [(1, "general"), (4, "feedback")]] == [SECTION_TEXTS[0][1], SECTION_TEXTS[3][1]]

    sign_in(page, live_server, secretary, f"/reviews/{review.pk}/board/")
    board = page.get_by_test_id("status-board")
    mine, other = board.locator(f"tr[data-unit='{unit.code}']"), board.locator(f"tr[data-unit='{other_unit.code}']")
    expect(mine.locator("td").nth(3)).to_have_text("✔")
    expect(mine).to_contain_text(unit_head.display_name)
    expect(mine.get_by_role("link", name="Xem báo cáo")).to_be_visible()
    expect(other.locator("td").nth(1)).to_have_text("●")
    expect(other.locator("td").nth(3)).to_have_text("")
    # units, submitted, late, waiting
    expect(page.get_by_test_id("board-counts").locator(".h4")).to_have_text(["2", "1", "0", "1"])
    shot(page, "2-status-board")


# --- 3. the head signs the minutes ---


def test_the_committee_head_signs_the_minutes_with_the_password_and_then_they_are_locked(
    page, live_server, secretary, committee_head, unit, trusted_demo_root
):
    yesterday = timezone.localdate() - dt.timedelta(days=1)  # the meeting took place; now its minutes are signed
    review = preparing_review(
        units=[unit],
        attendees=[secretary, committee_head],
        number=1,
        approved_by=committee_head,
        meeting_start=local_datetime(yesterday, 8),
    )
    minutes = ready_minutes(
        review=review, secretary=secretary, chair=committee_head, conclusions="Duy trì HTQLCL; bổ sung nguồn lực số hóa hồ sơ."
    )

    sign_in(page, live_server, committee_head, f"/reviews/minutes/{minutes.pk}/")
    expect(page.get_by_test_id("minutes-status")).to_have_text("Dự thảo")
    page.get_by_test_id("minutes-sign-link").click()
    expect(page.get_by_role("heading", name="Đọc và ký biên bản")).to_be_visible()
    body = page.get_by_test_id("minutes-body")
    expect(body).to_contain_text("Duy trì HTQLCL; bổ sung nguồn lực số hóa hồ sơ.")
    expect(body).to_contain_text(f"từ 08:00 đến 11:00, ngày {ddmmyyyy(yesterday)}")
    password = page.get_by_label("Nhập lại mật khẩu để ký")

    password.fill("mat-khau-sai")
    page.get_by_role("button", name="Ký biên bản").click()
    expect(page.get_by_test_id("sign-form")).to_contain_text("Mật khẩu không đúng. Biên bản chưa được ký.")
    shot(page, "3-wrong-password")
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and minutes.signed_by is None and minutes.number is None

    # Issue 12: the password, then the passphrase of the chair's .p12; a wrong one signs nothing.
    password.fill(PASSWORD)
    secret = page.get_by_label("Mật khẩu chữ ký số (tệp .p12) hoặc mã PIN của thiết bị ký")
    secret.fill("sai-mat-khau")
    page.get_by_role("button", name="Ký biên bản").click()
    expect(page.get_by_test_id("sign-form")).to_contain_text("mật khẩu tệp chữ ký số (.p12) không đúng hoặc tệp hỏng")
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and not minutes.signed_file

    page.get_by_label("Nhập lại mật khẩu để ký").fill(PASSWORD)
    secret.fill(SIGNING_SECRET)
    page.get_by_role("button", name="Ký biên bản").click()
    expect(message(page)).to_have_text("Đã ký biên bản. Biên bản đang được gửi đến các thành phần tham dự.")
    minutes.refresh_from_db()
    review.refresh_from_db()
    assert minutes.status == MinutesStatus.SIGNED and minutes.signed_by == committee_head
    assert minutes.signed_sha256 == selectors.minutes_sha256(minutes) and minutes.number == 1
    assert review.status == ReviewStatus.SIGNED
    signed_at = timezone.localtime(minutes.signed_at).strftime("%H:%M %d/%m/%Y")
    signature = page.get_by_test_id("signature")
    expect(signature).to_contain_text(f"Đã ký số bởi {committee_head.display_name} lúc {signed_at}.")
    expect(signature).to_contain_text("Nội dung trong hệ thống đúng với nội dung lúc ký.")
    expect(page.get_by_test_id("stored-check").get_by_test_id("check-valid")).to_be_visible()
    expect(page.get_by_test_id("minutes-status")).to_have_text("Đã ký")
    expect(page.get_by_test_id("minutes-number")).to_contain_text("Số: 01/")
    expect(page.get_by_test_id("minutes-sign-link")).to_have_count(0)
    shot(page, "3-minutes-signed")

    # The downloaded file is the stored record and verifies on the verification page.
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    data = download.value.path().read_bytes()
    assert data == minutes.signed_file.open("rb").read()
    page.goto(f"{live_server.url}/verify/")
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(
        {"name": download.value.suggested_filename, "mimeType": "application/pdf", "buffer": data}
    )
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.get_by_test_id("check-valid")).to_be_visible()
    expect(page.get_by_test_id("record-stored-copy")).to_be_visible()
    expect(page.get_by_test_id("signature-row")).to_contain_text(committee_head.display_name)
    shot(page, "3-minutes-verified")

    page.goto(f"{live_server.url}/reviews/minutes/{minutes.pk}/sign/")
    expect(page.get_by_text("Biên bản này đã được ký.")).to_be_visible()
    expect(page.get_by_label("Nhập lại mật khẩu để ký")).to_have_count(0)

    sign_in(page, live_server, secretary, f"/reviews/minutes/{minutes.pk}/")
    expect(page.get_by_role("link", name="Sửa", exact=True)).to_have_count(0)
    page.goto(f"{live_server.url}/reviews/minutes/{minutes.pk}/edit/")
    expect(page).to_have_url(f"{live_server.url}/reviews/minutes/{minutes.pk}/")
    expect(message(page)).to_have_text("Biên bản đã ký, không thể sửa; hãy tạo bản sửa đổi.")
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.SIGNED and selectors.minutes_content_unchanged(minutes) is True


def test_the_chair_not_another_head_signs_the_last_version_the_secretary_saved(page, browser, live_server, secretary, committee_head, unit):
    """Issue 10 item 2: the chair recorded in the minutes signs what they read; another committee head is
    offered nothing; a sign request from a page opened before the secretary's last edit signs nothing."""
    other_head = UserFactory(username="truongban2", full_name="Hồ Văn Nam", unit=unit, roles=[Role.COMMITTEE_HEAD])
    review = preparing_review(units=[unit], attendees=[secretary, committee_head, other_head], number=1, approved_by=committee_head)
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head, conclusions="Duy trì HTQLCL.")
    edit_url = f"/reviews/minutes/{minutes.pk}/edit/"
    desk = browser.new_page()  # the secretary's own browser, open at the same time as the chair's

    sign_in(desk, live_server, secretary, edit_url)
    desk.get_by_label("Nhu cầu về nguồn lực", exact=True).fill("Bổ sung 01 máy quét tài liệu cho Văn phòng.")
    desk.get_by_role("button", name="Lưu biên bản").click()
    expect(message(desk)).to_have_text("Đã lưu biên bản.")
    expect(desk.get_by_test_id("minutes-outputs")).to_contain_text("Bổ sung 01 máy quét tài liệu cho Văn phòng.")

    sign_in(page, live_server, other_head, f"/reviews/minutes/{minutes.pk}/")
    expect(page.get_by_test_id("minutes-sign-link")).to_have_count(0)
    assert page.goto(f"{live_server.url}/reviews/minutes/{minutes.pk}/sign/").status == 403

    sign_in(page, live_server, committee_head, f"/reviews/minutes/{minutes.pk}/")
    page.get_by_test_id("minutes-sign-link").click()
    expect(page.get_by_test_id("minutes-body")).to_contain_text("Duy trì HTQLCL.")

    # The secretary changes the conclusions while the chair reads.
    desk.goto(f"{live_server.url}{edit_url}")
    desk.get_by_label("Kết luận chung (các yêu cầu cải tiến, nhu cầu thay đổi HTQLCL, nhu cầu nguồn lực)").fill(
        "Duy trì HTQLCL; số hóa toàn bộ hồ sơ lưu trữ trong năm."
    )
    desk.get_by_role("button", name="Lưu biên bản").click()
    expect(message(desk)).to_have_text("Đã lưu biên bản.")

    page.get_by_label("Nhập lại mật khẩu để ký").fill(PASSWORD)
    page.get_by_label("Mật khẩu chữ ký số (tệp .p12) hoặc mã PIN của thiết bị ký").fill(SIGNING_SECRET)
    page.get_by_role("button", name="Ký biên bản").click()
    expect(page.get_by_test_id("sign-error")).to_contain_text("Biên bản đã được sửa sau khi bạn mở trang ký")
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and minutes.signed_by is None and minutes.number is None
    shot(page, "3-stale-sign-refused")

    page.goto(f"{live_server.url}/reviews/minutes/{minutes.pk}/sign/")
    expect(page.get_by_test_id("minutes-body")).to_contain_text("Duy trì HTQLCL; số hóa toàn bộ hồ sơ lưu trữ trong năm.")
    page.get_by_label("Nhập lại mật khẩu để ký").fill(PASSWORD)
    page.get_by_label("Mật khẩu chữ ký số (tệp .p12) hoặc mã PIN của thiết bị ký").fill(SIGNING_SECRET)
    page.get_by_role("button", name="Ký biên bản").click()
    expect(message(page)).to_have_text("Đã ký biên bản. Biên bản đang được gửi đến các thành phần tham dự.")
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.SIGNED and minutes.signed_by == committee_head
    assert "số hóa toàn bộ hồ sơ lưu trữ trong năm" in minutes.signed_content
    assert "Bổ sung 01 máy quét tài liệu cho Văn phòng." in minutes.signed_content
    desk.close()
