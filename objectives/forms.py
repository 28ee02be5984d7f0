"""Validation of the objectives forms. Numbers accept the Vietnamese decimal comma ("95,5")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import cast

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qms import limits
from qms.forms import BoundedTextMixin, DateInput
from qms.uploads import validate_upload

from .models import NUMERIC_UNITS, OBJECTIVE_FIELDS, Objective, Plan, PlanAction, Result


def parse_number(raw: str | None) -> Decimal | None:
    text = (raw or "").strip().replace(" ", "").replace("%", "")
    if not text:
        return None
    if "," in text and "." in text:  # 1.234,5
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(_("“%(v)s” không phải là một số."), params={"v": raw}) from None
    # Checked after rounding: 9999999999,999 rounds to 10 integer digits, more than the column holds.
    if not value.is_finite() or abs(value) >= Decimal("1e10") or abs(value.quantize(Decimal("0.01"))) >= Decimal("1e10"):
        raise forms.ValidationError(_("Số quá lớn."))
    if value < 0:  # %, counts, days, hours and scores are never negative
        raise forms.ValidationError(_("Giá trị không được là số âm."))
    return value.quantize(Decimal("0.01"))


class _Helper(BoundedTextMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PlanCreateForm(_Helper):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    scope = forms.ChoiceField(
        label=_("Phạm vi"),
        error_messages={"invalid_choice": _("Bạn không lập được kế hoạch MTCL cho phạm vi này (đơn vị khác hoặc cơ quan khác).")},
    )
    copy_previous = forms.BooleanField(label=_("Sao chép mục tiêu của năm trước (kèm kết quả để tham khảo)"), required=False)

    def __init__(self, *args, scopes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes


class ObjectiveForm(BoundedTextMixin, forms.ModelForm):
    baseline = forms.CharField(label=_("Giá trị nền (kết quả năm trước)"), required=False)
    target = forms.CharField(label=_("Chỉ tiêu"), required=False, help_text=_("Bằng số khi đơn vị đo là %, số lượng, ngày, giờ, điểm."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Objective
        fields = [*OBJECTIVE_FIELDS, "supports"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "policy_consistency": forms.Textarea(attrs={"rows": 2}),
            "evaluation_method": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan: Plan, agency_objectives: QuerySet[Objective] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        supports = cast(forms.ModelChoiceField, self.fields["supports"])
        supports.queryset = agency_objectives if agency_objectives is not None else Objective.objects.none()
        supports.required = False
        if plan.is_agency:
            del self.fields["supports"]
        self.fields["order"].required = False
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            for name in ("baseline", "target"):
                value = getattr(self.instance, name)
                self.initial[name] = "" if value is None else f"{value.normalize():f}".replace(".", ",")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_baseline(self) -> Decimal | None:
        return parse_number(self.cleaned_data.get("baseline"))

    def clean_target(self) -> str:
        return self.cleaned_data.get("target") or ""

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("version") is None and "version" not in self.errors:
            # Without it the service could not tell a stale edit from a fresh one.
            self.add_error(None, _("Biểu mẫu thiếu số phiên bản của mục tiêu. Vui lòng tải lại trang và nhập lại thay đổi."))
        unit = data.get("unit_of_measure")
        raw = data.get("target", "")
        if unit in NUMERIC_UNITS:
            if not raw.strip():
                self.add_error("target", _("Vui lòng nhập chỉ tiêu bằng số."))
            else:
                try:
                    data["target"] = parse_number(raw)
                except forms.ValidationError:
                    self.add_error(
                        "target",
                        _("Chỉ tiêu “%(v)s” không phải là số, trong khi đơn vị đo “%(u)s” cần một con số (ví dụ 95 hoặc 95,5).")
                        % {"v": raw, "u": dict(self.fields["unit_of_measure"].choices).get(unit, unit)},
                    )
        elif unit:
            data["target"] = None
            if not (data.get("target_text") or raw).strip():
                self.add_error("target_text", _("Vui lòng mô tả chỉ tiêu định tính (kết quả cần đạt)."))
            elif not data.get("target_text"):
                data["target_text"] = raw
        return data

    def service_data(self) -> dict:
        fields = [f for f in self.Meta.fields if f in self.cleaned_data]
        return {f: self.cleaned_data[f] for f in fields}


class PlanActionForm(BoundedTextMixin, forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["description", "resources", "responsible", "deadline"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "deadline": DateInput(),
        }


PlanActionFormSet = forms.inlineformset_factory(
    Objective,
    PlanAction,
    form=PlanActionForm,
    extra=1,
    can_delete=True,
    min_num=1,
    validate_min=True,
)


class MeasurementForm(_Helper):
    period = forms.TypedChoiceField(label=_("Kỳ theo dõi"), coerce=int)
    value = forms.CharField(label=_("Giá trị đo"))
    measured_on = forms.DateField(label=_("Ngày đo"), widget=DateInput())
    comment = forms.CharField(max_length=limits.NOTE, label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence = forms.FileField(label=_("Minh chứng (PDF, Word, Excel, ảnh; tối đa 10 MB)"), required=False)

    def __init__(self, *args, objective: Objective, **kwargs):
        super().__init__(*args, **kwargs)
        self.objective = objective
        cast(forms.TypedChoiceField, self.fields["period"]).choices = objective.period_choices()
        self.fields["period"].error_messages["invalid_choice"] = _(
            "Kỳ %%(value)s không tồn tại: mục tiêu theo dõi %(f)s, chỉ có kỳ 1 đến %(n)d."
        ) % {"f": objective.get_frequency_display(), "n": objective.periods}
        if not objective.is_numeric:
            self.fields["value"].label = _("Mức độ hoàn thành công việc (%)")

    def clean_value(self) -> Decimal:
        value = parse_number(self.cleaned_data.get("value"))
        if value is None:
            raise forms.ValidationError(_("Vui lòng nhập giá trị đo."))
        return value

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            validate_upload(upload)
        return upload


class EvaluationForm(_Helper):
    result = forms.ChoiceField(label=_("Đánh giá"), choices=Result.choices, widget=forms.RadioSelect)
    actual = forms.CharField(label=_("Kết quả đạt được"), required=False)
    reasons = forms.CharField(
        max_length=limits.TEXT, label=_("Nguyên nhân (bắt buộc khi không đạt)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    next_steps = forms.CharField(
        max_length=limits.TEXT, label=_("Hướng khắc phục / cải tiến"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, objective: Objective, **kwargs):
        super().__init__(*args, **kwargs)
        self.objective = objective

    def clean(self):
        data = super().clean()
        raw = data.get("actual", "")
        if self.objective.is_numeric:
            try:
                data["actual_value"] = parse_number(raw)
            except forms.ValidationError as exc:
                self.add_error("actual", exc)
                return data
            if data["actual_value"] is None:
                self.add_error("actual", _("Vui lòng nhập kết quả đạt được bằng số."))
            data["actual_text"] = ""
        else:
            data["actual_value"], data["actual_text"] = None, raw
        if data.get("result") == Result.NOT_ACHIEVED and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("Mục tiêu không đạt: vui lòng ghi rõ nguyên nhân."))
        return data


class ReasonForm(_Helper):
    reason = forms.CharField(max_length=limits.NOTE, label=_("Lý do sửa đổi"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(_Helper):
    comment = forms.CharField(max_length=limits.NOTE, label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
