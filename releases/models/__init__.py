# The photo library keeps its models with the rest of it; Django looks for them here.
from releases.photos.models import Photo, PhotoUpload, Rendition

from .audit import AuditEvent
from .contacts import PressContacts
from .documents import Document
from .people import Country, Official, Position
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

__all__ = [
    "AuditEvent",
    "Block",
    "ChangeNote",
    "Country",
    "Document",
    "Official",
    "Photo",
    "PhotoUpload",
    "Position",
    "PressContacts",
    "PreviewLink",
    "Release",
    "ReleaseQuerySet",
    "Rendition",
    "SearchDocument",
    "SlugHistory",
    "Tag",
    "TaggedRelease",
]
