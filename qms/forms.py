"""Form widgets shared by the apps."""

from django import forms

from .uploads import validate_uploads


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
