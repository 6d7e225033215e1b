"""The notice board's per-district settings (公告栏参数)."""

from core.settings import Setting

SETTINGS = [Setting("max_notices", int, 50, "公告上限", "Maximum notices", minimum=1)]
