"""No deprecation of our making: the suite turns WTForms' deprecation warnings (tuple select
choices, the obsolete DateTimeField) and those raised from our modules into errors
(pyproject.toml, ``filterwarnings``); select options are made by :func:`core.choices.options`.
Every admin and portal form is rendered under that rule by tests/core/test_chinese_everywhere.py
and the page tests."""

from __future__ import annotations

import warnings

import pytest
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

from core.choices import options


def test_the_suite_fails_on_a_wtforms_deprecation():
    class Tuples(Form):
        kind = SelectField("Kind", choices=[("a", "A"), ("b", "B")])

    with pytest.raises(DeprecationWarning, match="tuples is deprecated"):
        Tuples()


def test_options_render_without_a_warning():
    class Options(Form):
        kind = SelectField("Kind", choices=options([("a", "甲"), ("b", "乙")]), default="b")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = Options().kind()
    assert '<option value="a">甲</option>' in html
    assert '<option selected value="b">乙</option>' in html


def test_options_accept_pairs_lists_bare_values_and_choices():
    made = options([("a", "甲"), ["b", "乙"], "c", SelectChoice("d", "丁")])
    assert [(c.value, c.label) for c in made] == [("a", "甲"), ("b", "乙"), ("c", "c"), ("d", "丁")]


def test_an_admin_date_time_field_is_flask_admins_own():
    """Flask-Admin's peewee converter makes WTForms' deprecated DateTimeField for a date-time
    column; ours makes Flask-Admin's (the same text box with its picker)."""
    from flask_admin.form import DateTimeField

    from core.admin import ModelConverter
    from core.models import User

    converter = ModelConverter(view=None)
    name, field = converter.handle_datetime(User, User.created_at)
    assert field.field_class is DateTimeField
