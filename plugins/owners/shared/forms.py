"""What the WTForms of every subject share (Flask-WTF: CSRF on every form). The forms check
the shape of what was typed; the rules are the services'."""

from __future__ import annotations

from core.i18n import lazy_gettext as _l

REQUIRED = _l("This field is required.")
