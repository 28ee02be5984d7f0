"""Form widgets shared by the apps."""

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _

from .uploads import validate_uploads


def bound_text_fields(form: forms.BaseForm) -> None:
    """Every text field of the form with a length limit: a live counter (data-maxlength, read by
    static/js/counter.js) and a refusal that names the field. A text field without a limit gets one:
    a text area qms.limits.TEXT, a line 255."""
    from . import limits

    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput | forms.HiddenInput):
            continue
        if field.max_length is None:
            field.max_length = limits.TEXT if isinstance(field.widget, forms.Textarea) else 255
            field.validators.append(MaxLengthValidator(field.max_length))
            field.widget.attrs["maxlength"] = str(field.max_length)
        field.widget.attrs["data-maxlength"] = str(field.max_length)
        label = str(field.label or "").rstrip(" :").replace("%", "%%")
        limit = f"{field.max_length:,}".replace(",", ".")
        # Formatted twice: here with the label (a % in it doubled), then by Django with the length typed.
        message = _("«%(field)s» dài tối đa %(limit)s ký tự (đã nhập %%(show_value)d ký tự).")
        field.error_messages["max_length"] = message % {"field": label, "limit": limit}


# Plausible values (issue 11): a year of the records lies within these, as do the years of its dates.
YEAR_MIN, YEAR_MAX = 2000, 2100


def implausible_year(value: int | None, label: str) -> str | None:
    """The refusal, naming the field, of a year outside 2000–2100; None when it is plausible (or empty)."""
    if value is None or YEAR_MIN <= value <= YEAR_MAX:
        return None
    return _("«%(f)s»: năm %(y)s không hợp lệ, năm phải từ %(a)d đến %(b)d.") % {
        "f": str(label).rstrip(" :"),
        "y": value,
        "a": YEAR_MIN,
        "b": YEAR_MAX,
    }


def implausible_date(value: dt.date | None, label: str, *, earliest: dt.date | None = None, latest: dt.date | None = None) -> str | None:
    """The refusal, naming the field, of a date whose year is outside 2000–2100 or that falls outside
    [earliest, latest] when given; None when it is plausible (or empty)."""
    if value is None:
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    earliest = max(earliest or dt.date(YEAR_MIN, 1, 1), dt.date(YEAR_MIN, 1, 1))
    latest = min(latest or dt.date(YEAR_MAX, 12, 31), dt.date(YEAR_MAX, 12, 31))
    if earliest <= day <= latest:
        return None
    return _("«%(f)s»: ngày %(d)s không hợp lệ, phải trong khoảng %(a)s – %(b)s.") % {
        "f": str(label).rstrip(" :"),
        "d": day.strftime("%d/%m/%Y"),
        "a": earliest.strftime("%d/%m/%Y"),
        "b": latest.strftime("%d/%m/%Y"),
    }


class BoundedTextMixin:
    """Put first among a form's bases: its text fields get a counter and a refusal naming them."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_text_fields(self)  # type: ignore[arg-type]


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy. A native date picker shows the browser's own locale — mm/dd/yyyy on an
    English Windows — which invites swapped days and months on official deadlines. The server also
    accepts ISO dates (settings.FORMAT_MODULE_PATH → DATE_INPUT_FORMATS)."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "class": "vn-date"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class DateTimeInput(forms.DateTimeInput):
    """A date and time typed as dd/mm/yyyy hh:mm, for the same reason as DateInput."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off", "class": "vn-datetime"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y %H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files chosen at once, each checked by qms.uploads.validate_upload; cleans to a list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files if f]
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return validate_uploads(cleaned)
