"""BM.HT.06.01 "d) Đầu mối ISO các đơn vị" names the participating units' ISO focal points
(qms.people.unit_focal_points), not whichever unit heads were invited (issue 16)."""

from qms.roles import Role
from qms.tests.factories import UnitFactory, UserFactory
from reviews import pdf
from reviews.tests.test_pdf import flat


def test_the_notice_names_the_participating_units_focal_points_under_d(pdf_review, unit, other_unit, tmp_path):
    UserFactory(full_name="Lý Thị Mai", job_title="Chuyên viên", unit=unit, roles=[Role.FOCAL_POINT])
    UserFactory(full_name="Vũ Đình Nam", job_title="Chuyên viên chính", unit=other_unit, roles=[Role.FOCAL_POINT])
    elsewhere = UnitFactory(name="Phòng Lễ tân nhà nước")  # not taking part in this review
    UserFactory(full_name="Cao Văn Phúc", job_title="Chuyên viên", unit=elsewhere, roles=[Role.FOCAL_POINT])
    text = flat(pdf.notice_pdf(pdf_review.review), tmp_path)
    d = text[text.index("d) Đầu mối ISO các đơn vị") : text.index("e) Các bộ phận có liên quan")]
    assert "Lý Thị Mai – Chuyên viên, Văn phòng" in d
    assert "Vũ Đình Nam – Chuyên viên chính, Phòng Thông tin báo chí xuất bản" in d
    assert "Cao Văn Phúc" not in text
    assert "Trần Quốc Bảo" not in d  # the invited head of a unit is not its focal point
