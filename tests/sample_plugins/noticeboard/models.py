import peewee as pw

from core.fields import IdCardField, MobileField
from core.models import BaseModel, DistrictOwnedModel


class Notice(DistrictOwnedModel):
    title = pw.CharField(max_length=100, verbose_name="标题")
    body = pw.TextField(default="")
    hidden = pw.BooleanField(default=False)
    contact_phone = MobileField(null=True, verbose_name="联系电话")
    contact_id = IdCardField(null=True, verbose_name="联系人身份证号")

    class Meta:
        table_name = "noticeboard_notice"

    def __str__(self):
        return self.title


class Attachment(BaseModel):
    notice = pw.ForeignKeyField(Notice, backref="attachments", on_delete="RESTRICT")
    name = pw.CharField(max_length=100)

    class Meta:
        table_name = "noticeboard_attachment"
