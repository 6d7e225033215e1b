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
