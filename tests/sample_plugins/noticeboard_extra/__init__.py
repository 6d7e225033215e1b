"""A plugin that requires ``noticeboard``, for dependency tests."""

from core.hookspecs import hookimpl
from core.kernel import Manifest

MANIFEST = Manifest(
    id="noticeboard_extra",
    label_zh="公告扩展",
    label_en="Notice extras",
    version="0.1.0",
    requires=("noticeboard",),
)

SEEN = []


@hookimpl
def linli_event(event):
    if event.plugin == "noticeboard":
        SEEN.append(event.name)
