"""Validation of the ticket's boxes and of each step's input. Rules of the procedure live in services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qms.forms import DateInput
from qms.models import Unit, User
from qms.uploads import validate_upload

from .models import Box, ChangeRequest, CorrectionKind, Kind, Source, Verification


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files at once, each checked by qms.uploads.validate_upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = []
        for f in cleaned:
            try:
                validate_upload(f)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class _Form(forms.Form):
    # The ticket's version when the page was loaded: a move made on a stale page is refused.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


DATE = DateInput()


def _users() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).select_related("unit").order_by("unit__order", "full_name"),
        label=_("Người thực hiện"),
    )


class TicketOpenForm(_Form):
    version = None

    requesting_unit = forms.ModelChoiceField(queryset=Unit.objects.active(), label=_("Đơn vị đề nghị"))
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.active(),
        label=_("Đơn vị có sự không phù hợp / cần cải tiến"),
        help_text=_("Phiếu được chuyển cho lãnh đạo đơn vị này xem xét."),
    )
    kind = forms.ChoiceField(choices=Kind.choices, label=_("Loại hành động"), widget=forms.RadioSelect)
    source = forms.ChoiceField(choices=Source.choices, label=_("Nguồn thông tin"))
    related_documents = forms.CharField(label=_("Tài liệu liên quan (nếu có)"), required=False, max_length=500)
    process = forms.CharField(label=_("Quy trình/thủ tục liên quan"), required=False, max_length=255)
    clause = forms.CharField(label=_("Điều khoản/bước"), required=False, max_length=100)
    description = forms.CharField(label=_("1. Mô tả sự không phù hợp / đề xuất cải tiến"), widget=forms.Textarea(attrs={"rows": 5}))
    description_date = forms.DateField(label=_("Ngày"), widget=DATE)
    files = MultipleFileField(label=_("Bằng chứng đính kèm"))


class CorrectForm(_Form):
    correction_kind = forms.ChoiceField(choices=CorrectionKind.choices, label=_("Hình thức xử lý"), widget=forms.RadioSelect)
    correction_result = forms.CharField(label=_("Kết quả xử lý"), widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(_Form):
    note = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(_Form):
    implementing_unit = forms.ModelChoiceField(queryset=Unit.objects.active(), label=_("Đơn vị thực hiện"))
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Người thực hiện"))
    delegate = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Người được ủy quyền kiểm tra (nếu có)"))
    note = forms.CharField(label=_("Chỉ đạo"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).select_related("unit").order_by("unit__order", "full_name")
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


class ProposeForm(_Form):
    cause = forms.CharField(label=_("Nguyên nhân"), widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.CharField(label=_("Đề xuất biện pháp"), widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(_Form):
    completion_date = forms.DateField(label=_("Ngày hoàn thành"), widget=DATE)
    note = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(_Form):
    comment = forms.CharField(label=_("Ý kiến trả lại"), widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(_Form):
    text = forms.CharField(label=_("Tình hình thực hiện trong tháng"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Bằng chứng đính kèm"))


class ChangeRequestForm(_Form):
    kind = forms.ChoiceField(choices=ChangeRequest.Kind.choices, label=_("Đề nghị"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Lý do, khó khăn"), widget=forms.Textarea(attrs={"rows": 2}))
    proposed_measure = forms.CharField(label=_("Biện pháp đề nghị thay đổi"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    proposed_completion_date = forms.DateField(label=_("Ngày hoàn thành đề nghị"), required=False, widget=DATE)


class ChangeDecideForm(_Form):
    change = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label=_("Quyết định"),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        choices=[("1", _("Chấp thuận")), ("0", _("Không chấp thuận"))],
    )
    measure = forms.CharField(
        label=_("Biện pháp sau thay đổi (để trống: theo đề nghị)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    completion_date = forms.DateField(label=_("Ngày hoàn thành mới (nếu thay đổi)"), required=False, widget=DATE)
    note = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(_Form):
    result = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Bằng chứng đính kèm"))


class VerifyForm(_Form):
    verification = forms.ChoiceField(choices=Verification.choices, label=_("Kết quả kiểm tra"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Nhận xét (bắt buộc khi Không đạt / Biện pháp mới)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.CharField(label=_("Bằng chứng đã kiểm tra"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(_Form):
    evidence = forms.CharField(label=_("Bằng chứng kết quả thực hiện (ô 3)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Bằng chứng đính kèm"))


class DelegateForm(_Form):
    delegate = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Người được ủy quyền kiểm tra"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = User.objects.filter(is_active=True).order_by("full_name")


class AttachmentForm(_Form):
    version = None

    box = forms.ChoiceField(choices=Box.choices, label=_("Ô của phiếu"))
    file = forms.FileField(label=_("Tệp"))
    description = forms.CharField(label=_("Mô tả"), required=False, max_length=255)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload
