"""Validation of the ticket's boxes and of each step's input. Rules of the procedure live in services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qms import limits
from qms.forms import BoundedTextMixin, DateInput, MultipleFileField
from qms.models import Organisation, Unit, User
from qms.uploads import validate_upload
from risks.models import Risk

from .models import Box, ChangeRequestKind, CorrectionKind, Kind, Sign, Source, Ticket, Verification


class _CrispyForm(BoundedTextMixin, forms.Form):
    """Rendered inside the template's own <form> tag, which carries the CSRF token."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class StepForm(_CrispyForm):
    """The input of one step on the ticket page. `organisation` is the ticket's agency: the units and
    people a step may name are that agency's only (another agency's is "not a valid choice")."""

    # The ticket's version when the page was loaded: a move made on a stale page is refused.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation: Organisation | int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation


def agency_units(organisation: Organisation | int | None) -> QuerySet[Unit]:
    return Unit.objects.active().of(organisation)


def agency_people(organisation: Organisation | int | None) -> QuerySet[User]:
    if organisation is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, organisation=organisation)


DATE = DateInput()


class TicketOpenForm(_CrispyForm):
    requesting_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị đề nghị"))
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Đơn vị có sự không phù hợp / cần cải tiến"),
        help_text=_("Phiếu được chuyển cho lãnh đạo đơn vị này xem xét."),
    )
    kind = forms.ChoiceField(choices=Kind.choices, label=_("Loại hành động"), widget=forms.RadioSelect)
    source = forms.ChoiceField(choices=Source.choices, label=_("Nguồn thông tin (QT.CTCL 5.1.2)"))
    source_other = forms.CharField(label=_("Nguồn thông tin khác (ghi rõ)"), required=False, max_length=255)
    related_documents = forms.CharField(label=_("Tài liệu liên quan (nếu có)"), required=False, max_length=500)
    process = forms.CharField(label=_("Quy trình/thủ tục liên quan"), required=False, max_length=255)
    clause = forms.CharField(label=_("Điều khoản/bước"), required=False, max_length=100)
    description = forms.CharField(
        max_length=limits.TEXT, label=_("1. Mô tả sự không phù hợp / đề xuất cải tiến"), widget=forms.Textarea(attrs={"rows": 5})
    )
    description_date = forms.DateField(label=_("Ngày"), widget=DATE)
    risk = forms.ModelChoiceField(
        queryset=Risk.objects.none(),
        label=_("Rủi ro / cơ hội liên quan (bảng phân tích rủi ro)"),
        required=False,
        error_messages={"invalid_choice": _("Bạn không xem được dòng bảng phân tích rủi ro này.")},
    )
    # Django's form metaclass moves declared fields to base_fields, so this does not shadow BaseForm.files.
    files = MultipleFileField(label=_("Bằng chứng đính kèm"))  # type: ignore[assignment]

    def __init__(self, *args, organisation: Organisation | int | None, risks: QuerySet[Risk] | None = None, **kwargs) -> None:
        """`organisation`: the actor's agency, whose units only are offered; `risks`: the risk rows the actor reads."""
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = risks.select_related("unit") if risks is not None else Risk.objects.none()  # type: ignore[attr-defined]
        units = agency_units(organisation)
        self.fields["requesting_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        if data.get("source") == Source.OTHER and not (data.get("source_other") or "").strip():
            self.add_error("source_other", _("Nguồn thông tin “Khác”: vui lòng ghi rõ nguồn."))
        return data


class CorrectForm(StepForm):
    """5.1.1: the unit head's handling, who carries it out and who checks it; "Chấp nhận" says who accepted
    and on what ground (the service requires each handling's own fields)."""

    correction_kind = forms.ChoiceField(choices=CorrectionKind.choices, label=_("Hình thức xử lý"), widget=forms.RadioSelect)
    handler = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Người thực hiện xử lý"))
    checker = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Người kiểm tra kết quả xử lý"))
    accepted_by = forms.CharField(label=_("Chấp nhận: người/cơ quan chấp nhận"), required=False, max_length=255)
    acceptance_ground = forms.CharField(
        label=_("Chấp nhận: căn cứ chấp nhận"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Chỉ đạo xử lý"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = agency_people(self.organisation).select_related("unit").order_by("unit__order", "full_name")
        for name in ("handler", "checker"):
            self.fields[name].queryset = people
            self.fields[name].label_from_instance = lambda u: f"{u.display_name} — {u.unit or ''}"


class HandleForm(StepForm):
    """5.1.1: what the person assigned did; the fields of the other handlings are removed by the page."""

    correction_result = forms.CharField(label=_("Kết quả xử lý"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    redo_reference = forms.CharField(label=_("Làm lại: hồ sơ/kết quả đã làm lại (số, ngày)"), required=False, max_length=255)
    repair_scope = forms.CharField(
        label=_("Sửa chữa: nội dung đã sửa chữa, khắc phục"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    discard_method = forms.CharField(label=_("Loại bỏ: cách thức loại bỏ (hủy, thu hồi…)"), required=False, max_length=500)


class HandlingCheckForm(StepForm):
    note = forms.CharField(label=_("Ý kiến kiểm tra"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class HandlingReturnForm(StepForm):
    note = forms.CharField(label=_("Nội dung chưa đạt, cần xử lý tiếp"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(StepForm):
    note = forms.CharField(label=_("Ý kiến"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(NoteForm):
    """5.2.2: the signs that make the action necessary (at least one; the service checks it too)."""

    signs = forms.MultipleChoiceField(
        choices=Sign.choices,
        label=_("Dấu hiệu cần thực hiện HĐKP/cải tiến (QT.CTCL 5.2.2)"),
        widget=forms.CheckboxSelectMultiple,
        # At least one: the service refuses none, and says so on this field (a stale page is told first).
        required=False,
    )

    field_order = ["signs", "note"]


class PresentBatchForm(_CrispyForm):
    """5.3: several submitted tickets presented at once, with one presentation note."""

    tickets = forms.ModelMultipleChoiceField(
        queryset=Ticket.objects.none(),
        label=_("Phiếu trình Lãnh đạo Ban ISO"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chưa chọn phiếu nào để trình.")},
    )
    note = forms.CharField(label=_("Nội dung trình"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, queryset, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tickets"]
        field.queryset = queryset  # type: ignore[attr-defined]
        field.label_from_instance = lambda t: f"{t.number_display} — {t.unit} — {t.description[:80]}"  # type: ignore[attr-defined]


class AssignForm(StepForm):
    implementing_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị thực hiện"))
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Người thực hiện"))
    delegate = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Người được ủy quyền kiểm tra (nếu có)"))
    note = forms.CharField(max_length=limits.NOTE, label=_("Chỉ đạo"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementing_unit"].queryset = agency_units(self.organisation)
        users = agency_people(self.organisation).select_related("unit").order_by("unit__order", "full_name")
        self.fields["assignee"].queryset = users
        self.fields["delegate"].queryset = users
        self.fields["assignee"].label_from_instance = self.fields["delegate"].label_from_instance = lambda u: (
            f"{u.display_name} — {u.unit or ''}"
        )

    def clean(self):
        data = super().clean()
        unit, assignee = data.get("implementing_unit"), data.get("assignee")
        if unit and assignee and assignee.unit_id != unit.pk:
            self.add_error("assignee", _("Người thực hiện phải thuộc đơn vị thực hiện đã chọn."))
        return data


class ProposeForm(StepForm):
    cause = forms.CharField(max_length=limits.TEXT, label=_("Nguyên nhân"), widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.CharField(max_length=limits.TEXT, label=_("Đề xuất biện pháp"), widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(StepForm):
    """5.4: the approver may change the implementing unit and person, and sets the completion date."""

    # Left empty: the unit and person assigned keep the work.
    implementing_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị triển khai giải pháp"), required=False)
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Cá nhân triển khai giải pháp"), required=False)
    completion_date = forms.DateField(label=_("Ngày hoàn thành"), widget=DATE)
    note = forms.CharField(label=_("Ý kiến"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementing_unit"].queryset = agency_units(self.organisation)
        self.fields["assignee"].queryset = agency_people(self.organisation).select_related("unit").order_by("unit__order", "full_name")
        self.fields["assignee"].label_from_instance = lambda u: f"{u.display_name} — {u.unit or ''}"

    def clean(self):
        data = super().clean()
        unit, assignee = data.get("implementing_unit"), data.get("assignee")
        if unit and assignee and assignee.unit_id != unit.pk:
            self.add_error("assignee", _("Người thực hiện phải thuộc đơn vị thực hiện đã chọn."))
        return data


class ReturnForm(StepForm):
    comment = forms.CharField(max_length=limits.NOTE, label=_("Ý kiến trả lại"), widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(StepForm):
    text = forms.CharField(max_length=limits.TEXT, label=_("Tình hình thực hiện trong tháng"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Bằng chứng đính kèm"))  # type: ignore[assignment]  # as TicketOpenForm.files


class ChangeRequestForm(StepForm):
    kind = forms.ChoiceField(choices=ChangeRequestKind.choices, label=_("Đề nghị"), widget=forms.RadioSelect)
    reason = forms.CharField(max_length=limits.NOTE, label=_("Lý do, khó khăn"), widget=forms.Textarea(attrs={"rows": 2}))
    proposed_measure = forms.CharField(
        max_length=limits.TEXT, label=_("Biện pháp đề nghị thay đổi"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    proposed_completion_date = forms.DateField(label=_("Ngày hoàn thành đề nghị"), required=False, widget=DATE)


class ChangeDecideForm(StepForm):
    change = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label=_("Quyết định"),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        choices=[("1", _("Chấp thuận")), ("0", _("Không chấp thuận"))],
    )
    measure = forms.CharField(
        max_length=limits.TEXT,
        label=_("Biện pháp sau thay đổi (để trống: theo đề nghị)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    completion_date = forms.DateField(label=_("Ngày hoàn thành mới (nếu thay đổi)"), required=False, widget=DATE)
    note = forms.CharField(max_length=limits.NOTE, label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(StepForm):
    result = forms.CharField(max_length=limits.TEXT, label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Bằng chứng đính kèm"))  # type: ignore[assignment]  # as TicketOpenForm.files


class VerifyForm(StepForm):
    verification = forms.ChoiceField(
        choices=Verification.choices,
        label=_("Kết quả kiểm tra"),
        widget=forms.RadioSelect,
        # The verifier sees this form beside "Ủy quyền kiểm tra xác nhận": say which one does what.
        help_text=_("Kiểm tra xác nhận: bạn tự kiểm tra hiệu lực của biện pháp và ghi kết quả vào phiếu."),
    )
    note = forms.CharField(
        max_length=limits.NOTE,
        label=_("Nhận xét (bắt buộc khi Không đạt / Biện pháp mới)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.CharField(
        max_length=limits.TEXT, label=_("Bằng chứng đã kiểm tra"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(StepForm):
    evidence = forms.CharField(
        max_length=limits.TEXT, label=_("Bằng chứng kết quả thực hiện (ô 3)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(label=_("Bằng chứng đính kèm"))  # type: ignore[assignment]  # as TicketOpenForm.files


class DelegateForm(StepForm):
    delegate = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Người được ủy quyền kiểm tra"),
        help_text=_(
            "Ủy quyền kiểm tra xác nhận: không ghi kết quả; giao cho người khác kiểm tra xác nhận thay bạn (để trống để bỏ ủy quyền)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = agency_people(self.organisation).order_by("full_name")


class AttachmentForm(_CrispyForm):
    box = forms.ChoiceField(choices=Box.choices, label=_("Ô của phiếu"))
    file = forms.FileField(label=_("Tệp"))
    description = forms.CharField(label=_("Mô tả"), required=False, max_length=255)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


# The form and the title of each button of the ticket page; who may press it is rules.can_act.
ACTION_FORMS: dict[str, type[StepForm]] = {
    "correct": CorrectForm,
    "handle": HandleForm,
    "confirm_handling": HandlingCheckForm,
    "return_handling": HandlingReturnForm,
    "submit": SubmitForm,
    "present": NoteForm,
    "assign": AssignForm,
    "propose": ProposeForm,
    "approve": ApproveForm,
    "return": ReturnForm,
    "progress": ProgressForm,
    "change_request": ChangeRequestForm,
    "change_decide": ChangeDecideForm,
    "report": ReportForm,
    "verify": VerifyForm,
    "close": CloseForm,
    "delegate": DelegateForm,
}
ACTION_TITLES = {
    "correct": _("Xử lý trực tiếp: hình thức xử lý, người thực hiện, người kiểm tra"),
    "handle": _("Ghi kết quả xử lý trực tiếp"),
    "confirm_handling": _("Xác nhận kết quả xử lý"),
    "return_handling": _("Trả lại kết quả xử lý"),
    "submit": _("Cần HĐKP/cải tiến: gửi Thư ký ISO"),
    "present": _("Tổng hợp, trình Lãnh đạo Ban ISO"),
    "assign": _("Phân công thực hiện"),
    "propose": _("Phân tích nguyên nhân, đề xuất biện pháp"),
    "approve": _("Phê duyệt biện pháp"),
    "return": _("Trả lại đề xuất"),
    "progress": _("Báo cáo tiến độ tháng"),
    "change_request": _("Đề nghị bổ sung nguồn lực / thay đổi biện pháp"),
    "change_decide": _("Quyết định đề nghị thay đổi"),
    "report": _("Báo cáo kết quả thực hiện"),
    "verify": _("Kiểm tra xác nhận"),
    "close": _("Đóng phiếu"),
    "delegate": _("Ủy quyền kiểm tra xác nhận"),
}
