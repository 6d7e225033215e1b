"""Model fields for personal data (个人信息). Values of these fields are masked in lists,
details, exports and the API for users without the ``view_personal_data`` permission of the
model's plugin, and left out of their edit forms."""

from __future__ import annotations

import peewee as pw

from forms.validators import mask_id_card, mask_mobile


class PersonalField(pw.CharField):
    personal = True

    @staticmethod
    def mask(value):
        return "***" if value else value


class IdCardField(PersonalField):
    """Resident ID card number (身份证号码), 18 characters, validated per GB 11643."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    mask = staticmethod(mask_id_card)


class MobileField(PersonalField):
    """Mainland mobile phone number (手机号码)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 11)
        super().__init__(*args, **kwargs)

    mask = staticmethod(mask_mobile)


def personal_fields(model) -> dict[str, PersonalField]:
    return {
        name: field
        for name, field in model._meta.fields.items()
        if getattr(field, "personal", False)
    }


class DictionaryField(pw.CharField):
    """A coded value whose choices a dictionary (字典) holds, one that district
    administrators edit: the platform's items plus the district's own, retired ones still
    shown on old records (:mod:`forms.dictionaries` reads them). ``defaults`` are the
    built-in items as (code, lazy label): a plugin's migration seeds them, and they stand in
    for a dictionary not yet in the database. No ``choices``: the list is data, not code.

    ``DictionaryField("hazards.premises_kind", PREMISES_KINDS, max_length=24, ...)``"""

    def __init__(self, dictionary: str, defaults=(), *args, **kwargs):
        self.dictionary = dictionary
        self.defaults = list(defaults)
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)


def dictionary_of(field) -> str | None:
    """The dictionary code of a :class:`DictionaryField`, else None."""
    return getattr(field, "dictionary", None) if isinstance(field, DictionaryField) else None
