"""The review's official forms as Word documents (qms.docx): the notice BM.HT.06.01 and the minutes in the
agency's form (BM.HT.06.04 or BM.CTCL.02), with the same text as their PDFs. The data comes from the same
context builders the PDFs use (reviews.pdf), so the two never say different things; this module only lays
it out in Word."""

from __future__ import annotations

from django.utils import translation

from qms.docx import DecreeDocument, register_docx
from qms.models import MinutesForm

from . import pdf
from .models import Minutes, Review

BRIEF_EMPTY = "……"


def notice_docx(review: Review) -> bytes:
    """BM.HT.06.01 — Thông báo họp xem xét của lãnh đạo về HTQLCL."""
    with translation.override("vi"):
        org = review.organisation
        issued = pdf._local(review.notice_issued_at)
        doc = DecreeDocument(
            form_code=pdf.NOTICE,
            agency_lines=[(org.parent_name, False), (org.name, True)] if org.parent_name else [(org.name, True)],
            number_line=pdf.document_number(review.notice_number, org.notice_symbol),
            date_line=pdf.vn_date_line(org.place_name, issued.date() if issued else None),
            is_draft=not review.notice_issued,
        )
        doc.title("Thông báo", "Họp xem xét của lãnh đạo", "về hệ thống quản lý chất lượng")
        doc.heading("1. Thời gian:", pdf._meeting_time(review))
        doc.heading("2. Địa điểm:", review.location)
        doc.heading("3. Thành phần tham dự bao gồm:")
        for group in pdf._attendee_groups(review, org):
            doc.para(f"{group['letter']}) {group['label']}{':' if group['names'] else ''}", level=1)
            doc.dash(group["names"], level=2)
        doc.heading("4. Nội dung họp:")
        doc.dash([line.strip().lstrip("-+•").strip() for line in review.agenda.splitlines() if line.strip(" -+•")])
        doc.para(
            f"Đề nghị các đơn vị chuẩn bị báo cáo (theo mẫu kèm theo) gửi về {review.report_recipient} trước ngày "
            f"{review.report_deadline:%d/%m/%Y} và những người có trong thành phần dự họp có mặt đầy đủ, trường hợp vắng "
            "mặt đột xuất phải cử người thay thế.",
            indent=True,
        )
        signer = pdf._signature("Trưởng ban chỉ đạo ISO", review.approved_by or pdf._committee_head(org))
        doc.closing(DecreeDocument.recipients(["Như thành phần dự;", "Lưu Thư ký ISO."]), DecreeDocument.signature(signer))
        return doc.to_bytes()


def _briefing(doc: DecreeDocument, minutes: Minutes, short_name: str) -> None:
    """BM.HT.06.04 §1.1: the six headings of the ISO secretary's briefing, as the PDF draws them."""
    percent = BRIEF_EMPTY if minutes.brief_plan_percent is None else str(minutes.brief_plan_percent)
    found = BRIEF_EMPTY if minutes.brief_nonconformities is None else f"{minutes.brief_nonconformities:02d}"
    doc.dash(["Tình hình áp dụng Hệ thống quản lý chất lượng (HTQLCL):"])
    doc.text(minutes.brief_application, empty=BRIEF_EMPTY, level=2)
    doc.dash(
        [
            f"Tình hình thực hiện chính sách và mục tiêu chất lượng của {short_name}: hiện tại các đơn vị đang triển khai "
            f"thực hiện các mục tiêu và kế hoạch, kết quả đạt khoảng {percent}% kế hoạch năm."
        ]
    )
    if minutes.brief_policy_objectives:
        doc.text(minutes.brief_policy_objectives, level=2)
    doc.dash(
        [
            "Kết quả đánh giá chất lượng nội bộ gần nhất và tình hình thực hiện các hành động khắc phục và phòng ngừa: "
            f"phát hiện {found} điểm không phù hợp."
        ]
    )
    if minutes.brief_audit:
        doc.text(minutes.brief_audit, level=2)
    doc.dash(["Các cơ hội cải tiến:"])
    doc.text(minutes.brief_improvement, empty=BRIEF_EMPTY, level=2)
    doc.dash(["Những sự thay đổi ảnh hưởng đến HTQLCL:"])
    for label, text in (
        ("Quy định tại văn bản quy phạm pháp luật:", minutes.brief_change_legal),
        ("Thay đổi chức năng nhiệm vụ, cơ cấu tổ chức:", minutes.brief_change_organisation),
        ("Thay đổi lãnh đạo, nguồn nhân lực:", minutes.brief_change_leadership),
        ("Thay đổi khác:", minutes.brief_change_other),
    ):
        doc.para(f"+ {label}", level=2)
        doc.text(text, empty=BRIEF_EMPTY, level=2)
    doc.dash(["Các nguồn lực cần thiết để phục vụ cho hoạt động của HTQLCL:"])
    doc.text(minutes.brief_resources, empty=BRIEF_EMPTY, level=2)


def _topic_2(doc: DecreeDocument, minutes: Minutes, level: int) -> None:
    doc.para(("i", "a) Vấn đề bên ngoài:"), level=level)
    doc.text(minutes.topic_2_external, empty=BRIEF_EMPTY, level=level)
    doc.para(("i", "b) Vấn đề bên trong:"), level=level)
    doc.text(minutes.topic_2_internal, empty=BRIEF_EMPTY, level=level)


def _outputs_and_actions(doc: DecreeDocument, context: dict, lead: str) -> None:
    doc.para(("b", "Đầu ra của cuộc họp (các quyết định và hành động liên quan đến):"))
    for _key, heading, text, heading_actions in context["outputs"]:
        doc.dash([[("b", f"{heading}:")]])
        if text:
            doc.text(text, level=2)
        for action in heading_actions:
            doc.para(f"+ {action.description} ({action.responsible_unit.name}, hạn {action.deadline:%d/%m/%Y})", level=2)
        if not text and not heading_actions:
            doc.para(("i", "(Chưa ghi)"), level=2)
    doc.para(("b", lead))
    actions = context["actions"]
    if actions:
        doc.table(
            ["TT", "Nội dung hành động", "Đơn vị chủ trì", "Thời hạn hoàn thành"],
            [[str(i), a.description, a.responsible_unit.name, f"{a.deadline:%d/%m/%Y}"] for i, a in enumerate(actions, start=1)],
            widths_mm=[10, 83, 45, 27],
        )
    else:
        doc.para(("i", "(Không có hành động nào được giao.)"))


def minutes_docx(minutes: Minutes) -> bytes:
    """The minutes in the form they were drawn up in (minutes.form_code), under their agency's names."""
    with translation.override("vi"):
        org = minutes.organisation
        context = pdf._minutes_context(minutes, org)
        signed = pdf.esignature(minutes)
        ctcl = minutes.form_code == MinutesForm.CTCL_02
        agency_lines = [(org.name, False), (org.committee_name, True)] if ctcl else [(org.parent_name, False), (org.name, True)]
        doc = DecreeDocument(
            form_code=minutes.form_code,
            agency_lines=[(text, bold) for text, bold in agency_lines if text],
            number_line=context["number_line"],
            date_line=context["date_line"],
            is_draft=context["is_draft"],
        )
        if ctcl:
            _minutes_ctcl_02(doc, minutes, context)
            left, right = pdf._signature("Thư ký", minutes.secretary), pdf._signature("Chủ trì", minutes.chair, esign=signed)
        else:
            _minutes_ht_06_04(doc, minutes, context, org.short_name)
            left = pdf._signature("Thư ký ISO", minutes.secretary, plain=True)
            right = pdf._signature("Trưởng ban chỉ đạo ISO", minutes.chair, esign=signed)
        doc.closing(DecreeDocument.signature(left), DecreeDocument.signature(right))
        return doc.to_bytes()


def _minutes_ht_06_04(doc: DecreeDocument, minutes: Minutes, context: dict, short_name: str) -> None:
    doc.title("Biên bản họp xem xét của lãnh đạo", "về hệ thống quản lý chất lượng")
    if context["revision_note"]:
        doc.note(context["revision_note"])
    doc.dash([f"Thời gian: Từ {context['start_time']}, ngày {context['start_date']}", f"Địa điểm: {context['location']}", "Thành phần:"])
    doc.dash(context["attendee_lines"], level=2, empty="(Chưa ghi thành phần tham dự)")
    doc.heading("I. Nội dung cuộc họp:", italic=True)
    doc.para("1.1. Thư ký ISO trình bày nội dung báo cáo về:")
    _briefing(doc, minutes, short_name)
    if minutes.reports_summary:
        doc.text(minutes.reports_summary)
    for number, title, discussion, conclusion in context["topics"]:
        topic_2 = number == 2 and (minutes.topic_2_external or minutes.topic_2_internal)
        if not (discussion or conclusion or topic_2):
            continue
        doc.dash([[("b", str(title))]])
        if number == 2:
            _topic_2(doc, minutes, level=2)
        if discussion:
            doc.text(discussion, level=2)
        if conclusion:
            doc.para(("i", "Kết luận:"), " " + conclusion, level=2)
    doc.para("1.2. Trưởng các đơn vị báo cáo cụ thể hoạt động tại các đơn vị mình (", ("i", "Chi tiết xem nội dung báo cáo kèm theo"), ").")
    if minutes.unit_reports_summary:
        doc.text(minutes.unit_reports_summary)
    doc.heading("II. Kết luận của Trưởng ban chỉ đạo ISO và khuyến nghị đối với HTQLCL:", italic=True)
    doc.text(minutes.conclusions)
    if minutes.recommendations:
        doc.para(("b", "Khuyến nghị đối với HTQLCL:"))
        doc.text(minutes.recommendations)
    _outputs_and_actions(doc, context, "Các hành động cần thực hiện sau cuộc họp:")
    doc.para(("i", context["ended_line"]), indent=True)


def _minutes_ctcl_02(doc: DecreeDocument, minutes: Minutes, context: dict) -> None:
    doc.title("Biên bản họp xem xét của lãnh đạo")
    if context["revision_note"]:
        doc.note(context["revision_note"])
    doc.para(
        f"Cuộc họp được khai mạc vào hồi {context['opened_at']} tại {context['location']}; gồm các nội dung cụ thể như sau:",
        indent=True,
    )
    doc.heading("1. Thành phần tham dự:")
    doc.dash(context["attendee_lines"], empty="(Chưa ghi thành phần tham dự)")
    doc.heading("2. Chủ trì:")
    doc.para(context["chair_line"])
    doc.heading("3. Thư ký cuộc họp:")
    doc.para(context["secretary_line"])
    doc.heading("4. Nội dung cuộc họp:")
    doc.heading("4.1. Các báo cáo", italic=True)
    doc.text(minutes.reports_summary)
    if minutes.unit_reports_summary:
        doc.text(minutes.unit_reports_summary)
    doc.heading("4.2. Phần thảo luận", italic=True)
    rows = []
    for number, title, discussion, conclusion in context["topics"]:
        parts = [str(title)]
        if number == 2:
            parts += [
                f"a) Vấn đề bên ngoài: {minutes.topic_2_external or BRIEF_EMPTY}",
                f"b) Vấn đề bên trong: {minutes.topic_2_internal or BRIEF_EMPTY}",
            ]
        if discussion:
            parts.append(discussion)
        rows.append([str(number), "\n".join(parts), conclusion])
    doc.table(["TT", "Nội dung thảo luận", "Kết luận của chủ trì"], rows, widths_mm=[11, 99, 55])
    doc.heading("5. Kết luận")
    doc.text(minutes.conclusions)
    if minutes.recommendations:
        doc.text(minutes.recommendations)
    _outputs_and_actions(doc, context, "Các hành động khắc phục, cải tiến cần thực hiện (đơn vị đầu mối và thời hạn hoàn thành):")
    doc.para("Biên bản này được đọc trước cuộc họp và toàn bộ thành viên đã nhất trí thông qua.", indent=True)
    doc.para(f"Cuộc họp kết thúc vào hồi: {context['closed_at']}.", indent=True)


def register() -> None:
    """Called from ReviewsConfig.ready(): the review's forms that also download as Word."""
    register_docx(
        pdf.NOTICE,
        "Thông báo họp xem xét của lãnh đạo",
        lambda pk: notice_docx(Review.objects.select_related("organisation", "approved_by").get(pk=pk)),
    )
    for code in (MinutesForm.HT_06_04, MinutesForm.CTCL_02):
        register_docx(
            str(code),
            "Biên bản họp xem xét của lãnh đạo",
            lambda pk: minutes_docx(Minutes.objects.select_related("review", "organisation", "chair", "secretary", "signed_by").get(pk=pk)),
        )
