"""The options of a WTForms select field, as WTForms 3.3+ wants them: :class:`SelectChoice`
objects, not the ``(value, label)`` tuples our models declare (WTForms deprecates tuples and
removes them in 3.4). Every ``choices=`` and ``field.choices = ...`` of ours goes through
:func:`options`; the suite turns WTForms' deprecation warnings into errors (pyproject.toml,
``filterwarnings``)."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable) -> list[SelectChoice]:
    """``[SelectChoice(value, label), ...]`` from ``(value, label)`` pairs (or
    ``(value, label, render_kw)`` triples, bare values, or choices already made)."""
    return [SelectChoice.from_input(tuple(p) if isinstance(p, list) else p) for p in pairs]
