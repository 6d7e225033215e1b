"""The notice board's demonstration data (演示数据): one welcome notice per district."""

from .models import Notice


def load(district, actor):
    if Notice.select().where(Notice.unit == district).exists():
        return None
    Notice.create(unit=district, title="欢迎使用公告栏", created_by=actor)
    return "1 notice"
