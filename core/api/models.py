"""Personal API tokens (个人访问令牌). Only a hash of the token is stored; the token itself is
shown once, when it is created."""

from __future__ import annotations

import peewee as pw

from core.i18n import lazy_gettext as _l
from core.models import BaseModel, User, utcnow


class ApiToken(BaseModel):
    user = pw.ForeignKeyField(User, backref="+", on_delete="CASCADE", verbose_name=_l("User"))
    name = pw.CharField(max_length=64, default="", verbose_name=_l("Name"))
    prefix = pw.CharField(max_length=16, verbose_name=_l("Token starts with"))
    token_hash = pw.CharField(max_length=64, unique=True)
    can_write = pw.BooleanField(default=False, verbose_name=_l("Read and write"))
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    expires_at = pw.DateTimeField(null=True, verbose_name=_l("Expires at"))
    revoked_at = pw.DateTimeField(null=True, verbose_name=_l("Revoked at"))
    last_used_at = pw.DateTimeField(null=True, verbose_name=_l("Last used at"))

    class Meta:
        table_name = "core_api_token"
        verbose_name = _l("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.name or self.user_id})"
