from .audit import AuditEvent
from .people import Country, Official, Position
from .photos import Photo, Rendition
from .release import (
    Block,
    ChangeNote,
    PreviewLink,
    Release,
    ReleaseQuerySet,
    SlugHistory,
)
from .search import SearchDocument
from .tags import Tag, TaggedRelease
from .uploads import PhotoUpload

__all__ = [
    "AuditEvent",
    "Block",
    "ChangeNote",
    "Country",
    "Official",
    "Photo",
    "PhotoUpload",
    "Position",
    "PreviewLink",
    "Release",
    "ReleaseQuerySet",
    "Rendition",
    "SearchDocument",
    "SlugHistory",
    "Tag",
    "TaggedRelease",
]
