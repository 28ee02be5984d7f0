"""Validation of the risk table's forms; the rules of the table are the service's."""

from __future__ import annotations

from typing import cast

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from qms.forms import BoundedTextMixin, DateInput, implausible_date

from .models import Risk


class RiskForm(BoundedTextMixin, forms.ModelForm):
    """A row; `status` is offered only when editing (a new row is open)."""

    scope = forms.ChoiceField(
        label=_("Bảng"),
        required=False,
        error_messages={"invalid_choice": _("Bạn không cập nhật được bảng này (đơn vị khác hoặc cơ quan khác).")},
    )
    note = forms.CharField(label=_("Lý do thay đổi"), max_length=500, required=False)

    class Meta:
        model = Risk
        fields = [
            "kind",
            "process",
            "description",
            "cause",
            "frequency",
            "impact",
            "response",
            "owner",
            "deadline",
            "status",
            "effectiveness_reviewed_on",
            "effectiveness",
            "effectiveness_note",
        ]
        widgets = {
            "deadline": DateInput(),
            "effectiveness_reviewed_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "response": forms.Textarea(attrs={"rows": 3}),
            "effectiveness_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, scopes: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if scopes is None:  # editing: the row stays in its table
            del self.fields["scope"]
        else:
            cast(forms.ChoiceField, self.fields["scope"]).choices = scopes
            self.fields["scope"].required = True
            del self.fields["status"]
            del self.fields["note"]

    def clean(self):
        data = super().clean()
        for name in ("deadline", "effectiveness_reviewed_on"):
            refusal = implausible_date(data.get(name), self.fields[name].label or name)
            if refusal:
                self.add_error(name, refusal)
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
