"""The verifier sees "Kiểm tra xác nhận" beside "Ủy quyền kiểm tra xác nhận": each says what it does (issue 16)."""

from django.urls import reverse


def test_the_verifier_reads_the_difference_between_verifying_and_delegating(client, drive, committee_head):
    ticket = drive("reported")
    client.force_login(committee_head)
    page = client.get(reverse("corrective_actions:detail", args=[ticket.pk])).content.decode()
    assert "Ủy quyền kiểm tra xác nhận" in page and "Kiểm tra xác nhận" in page
    assert "Kiểm tra xác nhận: bạn tự kiểm tra hiệu lực của biện pháp và ghi kết quả vào phiếu." in page
    assert "Ủy quyền kiểm tra xác nhận: không ghi kết quả; giao cho người khác kiểm tra xác nhận thay bạn" in page
