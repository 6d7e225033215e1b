"""Low-code data (低代码数据): dictionaries, form definitions and versions, submissions, and
custom fields on built-in models. Tables belong to the core component (prefix ``core_``)."""

from __future__ import annotations

import peewee as pw

from core.i18n import lazy_gettext as _l
from core.models import AppendOnlyModel, BaseModel, DistrictOwnedModel, TerritoryUnit, User, utcnow


class Dictionary(BaseModel):
    """A named choice list (字典), e.g. hazard categories; districts may extend it."""

    code = pw.CharField(max_length=64, unique=True, verbose_name=_l("Code"))
    name_zh = pw.CharField(max_length=64, verbose_name=_l("Chinese name"))
    name_en = pw.CharField(max_length=64, default="", verbose_name=_l("English name"))
    builtin = pw.BooleanField(default=False, verbose_name=_l("Built-in"))

    class Meta:
        table_name = "core_dictionary"

    def __str__(self):
        return f"{self.name_zh} ({self.code})"


class DictionaryItem(BaseModel):
    """One value of a dictionary: a platform default (no district) or a district's own."""

    dictionary = pw.ForeignKeyField(Dictionary, backref="items", on_delete="RESTRICT")
    district = pw.ForeignKeyField(
        TerritoryUnit, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("District")
    )
    code = pw.CharField(max_length=64, verbose_name=_l("Code"))
    label_zh = pw.CharField(max_length=100, verbose_name=_l("Chinese name"))
    label_en = pw.CharField(max_length=100, default="", verbose_name=_l("English name"))
    sort_order = pw.IntegerField(default=0, verbose_name=_l("Order"))
    retired = pw.BooleanField(default=False, verbose_name=_l("Retired"))

    class Meta:
        table_name = "core_dictionary_item"
        indexes = ((("dictionary", "district", "code"), True),)

    def __str__(self):
        return f"{self.label_zh} ({self.code})"


class FormDefinition(BaseModel):
    """A form (表单) built by administrators; its body lives in numbered versions."""

    key = pw.CharField(max_length=64, verbose_name=_l("Key"))
    district = pw.ForeignKeyField(
        TerritoryUnit, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("District")
    )
    plugin = pw.CharField(max_length=32, default="core", verbose_name=_l("Module"))
    title_zh = pw.CharField(max_length=100, verbose_name=_l("Chinese name"))
    title_en = pw.CharField(max_length=100, default="", verbose_name=_l("English name"))
    current_version = pw.IntegerField(default=0, verbose_name=_l("Version"))
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "core_form_definition"
        indexes = ((("key", "district"), True),)

    def __str__(self):
        return f"{self.title_zh} ({self.key})"


class FormVersion(AppendOnlyModel):
    """One version of a definition (JSON); submissions point to the version they filled."""

    definition = pw.ForeignKeyField(FormDefinition, backref="versions", on_delete="RESTRICT")
    version = pw.IntegerField()
    body = pw.TextField()
    created_at = pw.DateTimeField(default=utcnow)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "core_form_version"
        indexes = ((("definition", "version"), True),)


class Submission(DistrictOwnedModel):
    """Data filled in against one version of a form (表单填报)."""

    version = pw.ForeignKeyField(FormVersion, backref="submissions", on_delete="RESTRICT")
    data = pw.TextField(default="{}")

    class Meta:
        table_name = "core_form_submission"


class CustomField(BaseModel):
    """A field a district administrator adds to a built-in model (自定义字段)."""

    district = pw.ForeignKeyField(
        TerritoryUnit, backref="+", on_delete="RESTRICT", verbose_name=_l("District")
    )
    plugin = pw.CharField(max_length=32, verbose_name=_l("Module"))
    table = pw.CharField(max_length=64, verbose_name=_l("Table"))
    key = pw.CharField(max_length=63, verbose_name=_l("Key"))
    spec = pw.TextField(verbose_name=_l("Definition"))  # the field's definition as JSON
    sort_order = pw.IntegerField(default=0, verbose_name=_l("Order"))
    retired = pw.BooleanField(default=False, verbose_name=_l("Retired"))
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "core_custom_field"
        indexes = ((("district", "table", "key"), True),)


class CustomValue(BaseModel):
    """The value of a custom field for one record, typed so it can be filtered with an index."""

    field = pw.ForeignKeyField(CustomField, backref="values", on_delete="RESTRICT")
    record_id = pw.IntegerField()
    value_text = pw.CharField(max_length=255, null=True)
    value_number = pw.DecimalField(max_digits=20, decimal_places=6, null=True)
    value_json = pw.TextField(null=True)  # lists, locations, uploads, long text

    class Meta:
        table_name = "core_custom_value"
        indexes = (
            (("field", "record_id"), True),
            (("field", "value_text"), False),
            (("field", "value_number"), False),
        )


MODELS = [
    Dictionary,
    DictionaryItem,
    FormDefinition,
    FormVersion,
    Submission,
    CustomField,
    CustomValue,
]
