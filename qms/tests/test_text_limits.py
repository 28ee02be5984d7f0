"""Every text field has a length limit (issue 13): the models declare it, the forms show a counter and refuse more."""

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import reverse

from qms.forms import BoundedTextMixin


def test_every_text_and_char_field_of_every_model_has_a_length_limit():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for app in ("qms", "reviews", "corrective_actions", "objectives")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and not field.max_length
    ]
    assert unbounded == []


class _NoteForm(BoundedTextMixin, forms.Form):
    note = forms.CharField(label="Ý kiến 100% đồng ý:", max_length=10, widget=forms.Textarea)
    other = forms.CharField(label="Khác", widget=forms.Textarea)


def test_a_bounded_form_refuses_too_long_text_naming_the_field_and_marks_the_counter():
    form = _NoteForm({"note": "x" * 11, "other": "y" * 5_001})
    assert not form.is_valid()
    assert form.errors["note"] == ["«Ý kiến 100% đồng ý» dài tối đa 10 ký tự (đã nhập 11 ký tự)."]
    assert form.errors["other"] == ["«Khác» dài tối đa 5.000 ký tự (đã nhập 5001 ký tự)."]  # a text area without a limit gets one
    html = str(form["note"])
    assert 'data-maxlength="10"' in html and 'maxlength="10"' in html


def test_every_page_loads_the_counter_script_and_no_inline_script(client, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("home")).content.decode()
    assert "/static/js/counter.js" in html
    assert "<script>" not in html


pytestmark = pytest.mark.django_db
