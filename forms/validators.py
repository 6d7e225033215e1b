"""Validators for Chinese identifiers (证件与号码校验), usable alone, in WTForms and marshmallow.

* Resident ID card number (居民身份证号码), GB 11643-1999: 6-digit region code, 8-digit birth
  date, 3-digit sequence, and an ISO 7064 MOD 11-2 check character (0-9 or X).
* Mainland mobile phone number (手机号码): 11 digits starting with 13-19.
"""

from __future__ import annotations

import datetime as dt
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"^[1-9]\d{16}[\dX]$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def id_card_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_card_problem(value: str | None, today: dt.date | None = None) -> str | None:
    """None when ``value`` is a valid 18-character ID number, else what is wrong (English
    msgid; callers translate)."""
    value = (value or "").strip().upper()
    if len(value) != 18:
        return N_("An ID card number has 18 characters.")
    if not ID_PATTERN.match(value):
        return N_("An ID card number is 17 digits followed by a digit or X.")
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return N_("The birth date in the ID card number is not a real date.")
    if born.year < 1900 or born > (today or dt.date.today()):
        return N_("The birth date in the ID card number is not plausible.")
    if id_card_check_char(value[:17]) != value[17]:
        return N_("The check digit of the ID card number is wrong.")
    return None


def normalize_id_card(value: str) -> str:
    return (value or "").strip().upper()


def mobile_problem(value: str | None) -> str | None:
    value = (value or "").strip()
    if not MOBILE_PATTERN.match(value):
        return N_("A mobile number has 11 digits and starts with 13 to 19.")
    return None


def mask_id_card(value: str | None) -> str:
    """``110105********123X``: region code and the last four characters stay visible."""
    value = value or ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_mobile(value: str | None) -> str:
    """``138****5678``."""
    value = value or ""
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)


class IdCard:
    """WTForms validator for resident ID card numbers (GB 11643)."""

    def __call__(self, form, field):
        from wtforms.validators import ValidationError

        from core.i18n import gettext

        if field.data:
            field.data = normalize_id_card(field.data)
            problem = id_card_problem(field.data)
            if problem:
                raise ValidationError(gettext(problem))


class Mobile:
    """WTForms validator for mainland mobile phone numbers."""

    def __call__(self, form, field):
        from wtforms.validators import ValidationError

        from core.i18n import gettext

        if field.data:
            field.data = field.data.strip()
            problem = mobile_problem(field.data)
            if problem:
                raise ValidationError(gettext(problem))


# -- unified social credit code (统一社会信用代码), GB 32100-2015 --------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, S, V, Z
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, ...
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of an organisation code (组织机构代码)."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in first8]
    check = 11 - sum(v * w for v, w in zip(values, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_problem(value: str | None) -> str | None:
    """None when ``value`` is a valid 18-character unified social credit code."""
    value = (value or "").strip().upper()
    if len(value) != 18:
        return N_("A unified social credit code has 18 characters.")
    if any(c not in USCC_CHARS for c in value):
        return N_(
            "A unified social credit code uses digits and capital letters except I, O, S, V, Z."
        )
    if uscc_check_char(value[:17]) != value[17]:
        return N_("The check character of the unified social credit code is wrong.")
    if org_code_check_char(value[8:16]) != value[16]:
        return N_("The organisation code inside the unified social credit code is not valid.")
    return None
