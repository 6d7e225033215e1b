from core.admin import ModelView

from .models import Attachment


class NoticeView(ModelView):
    plugin_id = "noticeboard"
    column_list = ("title", "unit", "contact_phone", "contact_id", "created_at")
    column_searchable_list = ("title",)
    column_filters = ("id", "unit", "title")
    form_columns = ("title", "body", "unit", "contact_phone", "contact_id")
    inline_models = (Attachment,)


class AttachmentView(ModelView):
    plugin_id = "noticeboard"
    scope_through = "notice"
    column_filters = ("notice",)
