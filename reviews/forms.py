import datetime as dt

from crispy_forms.helper import FormHelper
from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms import limits
from qms.forms import BoundedTextMixin, DateInput, DateTimeInput, MultipleFileField, bound_text_fields, implausible_date, implausible_year
from qms.models import Organisation, Unit, User
from qms.people import review_chair_role
from qms.roles import Role
from qms.uploads import validate_upload
from qms.workdays import add_years
from risks.models import Frequency, Impact, Risk
from risks.models import Kind as RiskKind

from .models import (
    BRIEFING_TEXT_FIELDS,
    CONSOLIDATED_S3_PARTS,
    MINUTES_TOPICS,
    REPORT_SECTIONS,
    TOPIC_2_PARTS,
    ConsolidatedReport,
    Minutes,
    MinutesAttendee,
    OutputHeading,
    ResourceRequestStatus,
    Review,
    UnitReport,
)
from .yearly import next_free_sequence

# --- Plan, approval, notice, unit reports, reminders ---


class _NoTagHelper(FormHelper):
    """The templates own the <form> tag and the buttons (several submit actions per form)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_tag = False
        self.disable_csrf = True


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        parts = [user.display_name, user.job_title, user.unit.name if user.unit else ""]
        return " — ".join(p for p in parts if p)


class ReviewPlanForm(BoundedTextMixin, forms.ModelForm):
    """Step 1 of QT.HT.06: the plan the secretary proposes and the committee head approves."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attendees = UserChoiceField(
        label=_("Thành phần tham dự"),
        queryset=User.objects.none(),  # the agency's people: set in __init__
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Trưởng ban, thành viên Ban chỉ đạo ISO, Thư ký ISO, đầu mối ISO các đơn vị."),
    )
    units = forms.ModelMultipleChoiceField(label=_("Đơn vị báo cáo"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Review
        fields = [
            "kind",
            "title",
            "year",
            "sequence",
            "meeting_start",
            "meeting_end",
            "location",
            "attendees",
            "deputy_chair",
            "units",
            "related_parties",
            "agenda",
            "report_deadline",
            "report_recipient",
            "combined_with",
            "combined_meeting_name",
        ]
        widgets = {
            "meeting_start": DateTimeInput(),
            "meeting_end": DateTimeInput(),
            "report_deadline": DateInput(),
            "agenda": forms.Textarea(attrs={"rows": 10}),
            "related_parties": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organisation: Organisation | int | None, **kwargs):
        """`organisation`: the agency whose plan it is; its active units and people are the only choices, so
        a unit or a person of another agency in the POST is refused as an invalid choice."""
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True, organisation=organisation) if organisation is not None else User.objects.none()
        self.fields["attendees"].queryset = people.select_related("unit").order_by("unit__order", "full_name")  # type: ignore[attr-defined]
        self.fields["units"].queryset = Unit.objects.of(organisation).active()  # type: ignore[attr-defined]
        deputy = self.fields["deputy_chair"]
        assert isinstance(deputy, forms.ModelChoiceField)
        deputy.queryset = people.order_by("full_name")
        deputy.help_text = _("Chỉ chọn khi kế hoạch giao người khác chủ trì thay; người này được ký biên bản nếu được ghi là chủ trì.")
        self.fields["meeting_end"].required = True
        self.fields["combined_with"].help_text = _(
            "QT.CTCL 5.8: chỉ chọn khi họp xem xét kết hợp với cuộc họp giao ban, sơ kết, tổng kết; biên bản họp kết hợp vẫn phải có đầy đủ nội dung như BM.CTCL.02."
        )
        # A meeting's plan: the review by report (QT.CTCL 5.8.2) is opened from its own page.
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [c for c in Review.Kind.choices if c[0] != Review.Kind.BY_REPORT]
        self.helper = _NoTagHelper()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            year = timezone.localdate().year
            self.fields["year"].initial = year
            # "Lần trong năm": the next number no periodic review of this year has (the service refuses a taken one).
            if organisation is not None:
                self.fields["sequence"].initial = next_free_sequence(organisation=organisation, year=year, kind=Review.Kind.PERIODIC)
            # The procedure's attendees: the chair (per the agency's procedure), the committee, the secretary,
            # the units' heads and ISO focal points (the plan is refused on submission without them).
            self.fields["attendees"].initial = list(
                User.objects.with_role(
                    review_chair_role(organisation),
                    Role.COMMITTEE_HEAD,
                    Role.COMMITTEE_MEMBER,
                    Role.SECRETARY,
                    Role.UNIT_HEAD,
                    Role.FOCAL_POINT,
                    organisation=organisation,
                ).values_list("pk", flat=True)
            )
            self.fields["units"].initial = list(Unit.objects.of(organisation).active().values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        # Plausible values (issue 11): the year within 2000–2100, the dates within the plan's year give or take one.
        year = data.get("year")
        if error := implausible_year(year, str(self.fields["year"].label)):
            self.add_error("year", error)
            year = None
        for name in ("meeting_start", "meeting_end", "report_deadline"):
            value = data.get(name)
            day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
            window = {"earliest": dt.date(year - 1, 1, 1), "latest": dt.date(year + 1, 12, 31)} if year else {}
            if error := implausible_date(day, str(self.fields[name].label), **window):
                self.add_error(name, error)
                data.pop(name, None)
        start, end, deadline = data.get("meeting_start"), data.get("meeting_end"), data.get("report_deadline")
        if start and end and end <= start:
            self.add_error("meeting_end", _("Thời gian kết thúc phải sau thời gian bắt đầu họp."))
        if start and deadline and deadline >= timezone.localtime(start).date():
            self.add_error("report_deadline", _("Hạn nộp báo cáo phải trước ngày họp."))
        return data


class CommentForm(BoundedTextMixin, forms.Form):
    comment = forms.CharField(max_length=limits.NOTE, label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequiredCommentForm(BoundedTextMixin, forms.Form):
    comment = forms.CharField(
        max_length=limits.NOTE,
        label=_("Lý do / nội dung cần sửa"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi rõ lý do trả lại.")},
    )


class UnitReportForm(BoundedTextMixin, forms.Form):
    """BM.HT.06.02: the seven sections of BM.HT.06.03 and supporting files."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    attachments = MultipleFileField(
        label=_("Thêm tệp đính kèm (chọn được nhiều tệp)"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, ảnh PNG/JPG, ZIP, TXT/CSV; tối đa 10 MB mỗi tệp."),
    )

    def __init__(self, *args, report: UnitReport, **kwargs):
        kwargs.setdefault("initial", {"version": report.version, **{name: getattr(report, name) for name, _l in REPORT_SECTIONS}})
        super().__init__(*args, **kwargs)
        for name, label in REPORT_SECTIONS:
            self.fields[name] = forms.CharField(
                max_length=limits.LONG_TEXT, label=label, required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        self.order_fields([name for name, _l in REPORT_SECTIONS] + ["attachments", "version"])
        self.helper = _NoTagHelper()
        bound_text_fields(self)  # the sections were added after the mixin ran
        self.helper.form_tag = False


# --- Consolidated report, minutes, signature, distribution, follow-up ---


class ConsolidatedReportForm(BoundedTextMixin, forms.Form):
    """BM.HT.06.03. `version` is the row version the user loaded: a save from a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in REPORT_SECTIONS:
            self.fields[name] = forms.CharField(
                max_length=limits.COMPILED_TEXT, label=label, required=False, widget=forms.Textarea(attrs={"rows": 8})
            )
            if name == "s3_audit_actions":  # BM.HT.06.03 §3: "Kết quả", then "Hồ sơ" and the recommendations
                self.fields[name].label = f"{label} — {_('Kết quả')}"
                for extra in CONSOLIDATED_S3_PARTS:
                    field = ConsolidatedReport._meta.get_field(extra)
                    assert isinstance(field, models.Field)
                    self.fields[extra] = forms.CharField(
                        label=f"{label} — {field.verbose_name}",
                        required=False,
                        max_length=limits.LONG_TEXT,
                        widget=forms.Textarea(attrs={"rows": 4}),
                    )
        bound_text_fields(self)  # the sections were added after the mixin ran
        self.helper = _NoTagHelper()


class MinutesContentForm(BoundedTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    started_at = forms.DateTimeField(label=_("Bắt đầu lúc"), widget=DateTimeInput())
    ended_at = forms.DateTimeField(label=_("Kết thúc lúc"), widget=DateTimeInput())
    location = forms.CharField(label=_("Địa điểm"), max_length=255)
    chair = forms.ModelChoiceField(label=_("Chủ trì"), queryset=User.objects.none())
    secretary = forms.ModelChoiceField(label=_("Thư ký cuộc họp"), queryset=User.objects.none())
    reports_summary = forms.CharField(
        max_length=limits.LONG_TEXT,
        label=_("Các báo cáo trình bày tại cuộc họp (người báo cáo, tóm tắt nội dung)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    unit_reports_summary = forms.CharField(
        max_length=limits.LONG_TEXT, label=_("Báo cáo của các đơn vị"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    conclusions = forms.CharField(
        max_length=limits.LONG_TEXT,
        label=_("Kết luận chung (các yêu cầu cải tiến, nhu cầu thay đổi HTQLCL, nhu cầu nguồn lực)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommendations = forms.CharField(
        max_length=limits.LONG_TEXT, label=_("Khuyến nghị đối với HTQLCL"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    time_change_reason = forms.CharField(
        label=_("Lý do thay đổi thời gian họp so với thông báo"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi thời gian bắt đầu khác thời gian đã thông báo."),
    )
    outputs_improvement = forms.CharField(
        label=OutputHeading.IMPROVEMENT.label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    outputs_changes = forms.CharField(
        label=OutputHeading.CHANGES.label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    outputs_resources = forms.CharField(
        label=OutputHeading.RESOURCES.label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    outputs_other = forms.CharField(
        label=OutputHeading.OTHER.label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisation: Organisation | int | None, chairs: models.QuerySet[User] | None = None, **kwargs):
        """`organisation`: the review's agency, whose active people are the only secretaries; `chairs`: who may be
        recorded as chair (the organisation's chairs and the plan's deputy)."""
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True, organisation=organisation) if organisation is not None else User.objects.none()
        for i, topic in enumerate(MINUTES_TOPICS, start=1):
            self.fields[f"topic_{i}"] = forms.CharField(
                max_length=limits.LONG_TEXT,
                label=f"{i}. {topic}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
            )
            self.fields[f"conclusion_{i}"] = forms.CharField(
                max_length=limits.LONG_TEXT,
                label=_("Kết luận của chủ trì"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
            )
        # BM.HT.06.04 §1.1 and BM.CTCL.02 topic 2, labelled as the forms print them.
        for name in [*BRIEFING_TEXT_FIELDS, *TOPIC_2_PARTS]:
            model_field = Minutes._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            self.fields[name] = forms.CharField(
                label=model_field.verbose_name, required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
            )
        self.fields["brief_plan_percent"] = forms.IntegerField(
            label=_("Kết quả đạt khoảng (% kế hoạch năm)"), required=False, min_value=0, max_value=100
        )
        self.fields["brief_nonconformities"] = forms.IntegerField(
            label=_("Số điểm không phù hợp phát hiện qua đánh giá nội bộ"), required=False, min_value=0, max_value=9999
        )
        label = lambda u: " — ".join(p for p in [u.display_name, u.job_title] if p)  # noqa: E731
        for name in ("chair", "secretary"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = chairs if name == "chair" and chairs is not None else people
            field.label_from_instance = label  # type: ignore[method-assign]
        bound_text_fields(self)  # the topics were added after the mixin ran
        self.helper = _NoTagHelper()

    def topic_rows(self) -> list[tuple[int, str, forms.BoundField, forms.BoundField]]:
        """The seven rows of the discussion table: topic, what was discussed, the chair's conclusion."""
        return [(i, t, self[f"topic_{i}"], self[f"conclusion_{i}"]) for i, t in enumerate(MINUTES_TOPICS, start=1)]

    def clean(self):
        data = super().clean()
        for name in ("started_at", "ended_at"):  # plausible values (issue 11): within 2000–2100
            value = data.get(name)
            if error := implausible_date(timezone.localtime(value).date() if value else None, str(self.fields[name].label)):
                self.add_error(name, error)
                data.pop(name, None)
        start, end = data.get("started_at"), data.get("ended_at")
        if start and end and end <= start:
            self.add_error("ended_at", _("Thời gian kết thúc phải sau thời gian bắt đầu."))
        return data


class _CompactRowForm(BoundedTextMixin, forms.Form):
    """A formset row is a table row: Bootstrap classes on the bare widgets, labels in the table head."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, (forms.HiddenInput, forms.CheckboxInput)):
                continue
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)


class MinutesAttendeeForm(_CompactRowForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Họ và tên"), max_length=150)
    title = forms.CharField(label=_("Chức danh"), max_length=200, required=False)
    # The initial matches the select's first option, so a blank extra row counts as unchanged.
    presence = forms.ChoiceField(label=_("Tham dự"), choices=MinutesAttendee.Presence.choices, initial=MinutesAttendee.Presence.PRESENT)
    replaced_by = forms.CharField(label=_("Người thay thế"), max_length=200, required=False)

    def __init__(self, *args, organisation: Organisation | int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["user"].queryset = User.objects.filter(organisation=organisation)  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        if data.get("presence") == MinutesAttendee.Presence.REPLACED and not (data.get("replaced_by") or "").strip():
            self.add_error("replaced_by", _("Hãy ghi họ tên người được cử thay thế."))
        return data


# How far ahead a decided action's deadline may be set (a typo like 2062 for 2026 is refused).
ACTION_DEADLINE_MAX_YEARS = 5


class ReviewActionForm(_CompactRowForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(
        max_length=limits.TEXT, label=_("Hành động / kết luận cần thực hiện"), widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_unit = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=_("Thời hạn"), widget=DateInput())
    # "Other" first, the default of a row; the heading alone never makes a blank extra row count as filled.
    output_heading = forms.ChoiceField(
        label=_("Nhóm đầu ra"),
        choices=[
            (OutputHeading.OTHER.value, OutputHeading.OTHER.label),
            *[c for c in OutputHeading.choices if c[0] != OutputHeading.OTHER],
        ],
        required=False,
    )

    def __init__(self, *args, kept_deadlines: dict | None = None, organisation: Organisation | int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.of(organisation).active()  # type: ignore[attr-defined]
        self.kept_deadlines = kept_deadlines or {}

    def has_changed(self) -> bool:
        """A blank extra row stays blank whatever heading its select shows."""
        return any(name != "output_heading" for name in self.changed_data)

    def clean(self):
        data = super().clean()
        data["output_heading"] = data.get("output_heading") or OutputHeading.OTHER
        deadline = data.get("deadline")
        # Plausible values (issue 11): within 2000–2100 and at most ACTION_DEADLINE_MAX_YEARS ahead.
        latest = add_years(timezone.localdate(), ACTION_DEADLINE_MAX_YEARS)
        if error := implausible_date(deadline, str(self.fields["deadline"].label), latest=latest):
            self.add_error("deadline", error)
            return data
        # A revision copies actions whose deadline may have passed since; keeping it unchanged is allowed.
        if deadline and deadline < timezone.localdate() and self.kept_deadlines.get(data.get("id")) != deadline:
            self.add_error("deadline", _("Thời hạn hoàn thành không được ở trong quá khứ."))
        return data


MinutesAttendeeFormSet = forms.formset_factory(MinutesAttendeeForm, extra=1, can_delete=True)
ReviewActionFormSet = forms.formset_factory(ReviewActionForm, extra=2, can_delete=True)


class MinutesSignForm(forms.Form):
    # The version of the minutes the sign page showed: another version is refused, nothing signed.
    version = forms.IntegerField(widget=forms.HiddenInput)
    password = forms.CharField(
        label=_("Nhập lại mật khẩu để ký"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    # The signer's own step (qms.signing): the .p12 passphrase or the token's PIN; empty for remote signing,
    # which asks on the signer's device. Never stored.
    secret = forms.CharField(
        label=_("Mật khẩu chữ ký số (tệp .p12) hoặc mã PIN của thiết bị ký"),
        required=False,
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class MinutesRevisionForm(BoundedTextMixin, forms.Form):
    reason = forms.CharField(
        max_length=limits.NOTE,
        label=_("Lý do sửa đổi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi lý do sửa đổi.")},
    )


def _validated_evidence(upload):
    if upload:
        validate_upload(upload)
    return upload


class ActionProgressForm(BoundedTextMixin, forms.Form):
    note = forms.CharField(max_length=limits.NOTE, label=_("Nội dung tiến độ"), widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=99)
    evidence_file = forms.FileField(label=_("Tệp bằng chứng (không bắt buộc)"), required=False)

    def clean_evidence_file(self):
        return _validated_evidence(self.cleaned_data.get("evidence_file"))


class ActionCompleteForm(BoundedTextMixin, forms.Form):
    evidence = forms.CharField(
        max_length=limits.TEXT,
        label=_("Bằng chứng / kết quả thực hiện"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi bằng chứng / kết quả thực hiện.")},
    )
    evidence_file = forms.FileField(label=_("Tệp bằng chứng"), required=False)

    def clean_evidence_file(self):
        return _validated_evidence(self.cleaned_data.get("evidence_file"))


class ActionDecisionForm(BoundedTextMixin, forms.Form):
    note = forms.CharField(
        label=_("Lý do"), max_length=limits.NOTE, widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": _("Hãy ghi lý do.")}
    )


class ResourceRequestForm(BoundedTextMixin, forms.Form):
    description = forms.CharField(
        label=_("Nguồn lực cần có (nhân lực, kinh phí, thiết bị, thời gian…)"),
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi rõ nguồn lực cần có.")},
    )


class ResourceAnswerForm(BoundedTextMixin, forms.Form):
    answer = forms.ChoiceField(
        label=_("Trả lời"),
        choices=[(s.value, s.label) for s in ResourceRequestStatus if s != ResourceRequestStatus.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn đồng ý, đồng ý một phần hoặc không đồng ý.")},
    )
    note = forms.CharField(
        label=_("Ý kiến"),
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi ý kiến trả lời.")},
    )


class ActionRiskForm(BoundedTextMixin, forms.Form):
    """QT.CTCL 5.8.1.2: a decision opens a row of a risk table, or updates one, in one step. With no row chosen a
    new row is opened in the chosen table; with a row chosen, the fields filled in replace the row's."""

    risk: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Dòng cần cập nhật"),
        queryset=Risk.objects.none(),
        required=False,
        empty_label=_("— Mở dòng mới —"),
        error_messages={"invalid_choice": _("Bạn không cập nhật được dòng này.")},
    )
    risk_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    scope = forms.ChoiceField(
        label=_("Bảng (khi mở dòng mới)"),
        required=False,
        error_messages={"invalid_choice": _("Bạn không cập nhật được bảng này (đơn vị khác hoặc cơ quan khác).")},
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=RiskKind.choices, required=False)
    process = forms.CharField(label=_("Quá trình / hoạt động liên quan"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Rủi ro / cơ hội"), max_length=limits.TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cause = forms.CharField(label=_("Nguyên nhân"), max_length=limits.TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    frequency = forms.ChoiceField(label=_("Tần suất xuất hiện"), choices=[("", "—"), *Frequency.choices], required=False)
    impact = forms.ChoiceField(label=_("Mức độ ảnh hưởng"), choices=[("", "—"), *Impact.choices], required=False)
    response = forms.CharField(
        label=_("Biện pháp đối phó"), max_length=limits.TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.CharField(label=_("Người / đơn vị thực hiện"), max_length=255, required=False)
    deadline = forms.DateField(label=_("Thời hạn"), required=False, widget=DateInput())

    def __init__(self, *args, risks, scopes: list[tuple[str, str]], **kwargs):
        """`risks`: the rows the user keeps; `scopes`: the tables the user may open a row in."""
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = risks  # type: ignore[attr-defined]
        self.fields["scope"].choices = scopes  # type: ignore[attr-defined]
        self.helper = _NoTagHelper()

    def clean(self):
        data = super().clean()
        if error := implausible_date(data.get("deadline"), str(self.fields["deadline"].label)):
            self.add_error("deadline", error)
        if data.get("risk") is None and not data.get("scope"):
            self.add_error("scope", _("Hãy chọn bảng để mở dòng mới."))
        return data
