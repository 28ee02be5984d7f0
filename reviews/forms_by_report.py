"""Forms of the review by report (QT.CTCL 5.8.2): validation only; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms import limits
from qms.forms import BoundedTextMixin, bound_text_fields, implausible_year

from .models import BY_REPORT_INPUTS, RESULT_NOTICE_CONTENT_FIELDS, ResultNotice
from .services.by_report import COMMENT_WORKING_DAYS, COMMENT_WORKING_DAYS_MAX, TITLE_MAX


class ByReportCreateForm(BoundedTextMixin, forms.Form):
    title = forms.CharField(label=_("Tên cuộc xem xét"), max_length=TITLE_MAX)
    year = forms.IntegerField(label=_("Năm"))

    def clean_year(self):
        year = self.cleaned_data["year"]
        if error := implausible_year(year, str(self.fields["year"].label)):
            raise forms.ValidationError(error)
        return year

    @staticmethod
    def initial_for() -> dict:
        year = timezone.localdate().year
        return {"year": year, "title": _("Xem xét của lãnh đạo về HTQLCL năm %(y)s (thông qua báo cáo)") % {"y": year}}


class ByReportForm(BoundedTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in BY_REPORT_INPUTS:
            self.fields[name] = forms.CharField(
                label=label, max_length=limits.LONG_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 5})
            )
        self.fields["unit_reports_summary"] = forms.CharField(
            label=_("Báo cáo của các đơn vị (nếu có)"),
            max_length=limits.LONG_TEXT,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        bound_text_fields(self)  # the fields added above get their counter too


class ByReportApproveForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("Thời hạn cho ý kiến (ngày làm việc)"), min_value=1, max_value=COMMENT_WORKING_DAYS_MAX, initial=COMMENT_WORKING_DAYS
    )


class ByReportCommentForm(BoundedTextMixin, forms.Form):
    text = forms.CharField(label=_("Ý kiến của bạn"), max_length=limits.TEXT, widget=forms.Textarea(attrs={"rows": 4}))


class ResultNoticeForm(BoundedTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RESULT_NOTICE_CONTENT_FIELDS:
            label = ResultNotice._meta.get_field(name).verbose_name
            self.fields[name] = forms.CharField(
                label=label, max_length=limits.LONG_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        bound_text_fields(self)
