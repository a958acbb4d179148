# The photo library and the e-mail alerts keep their models with the rest of them;
# Django looks for them here.
from releases.alerts.models import Alert, Delivery, Subscription
from releases.photos.models import Photo, PhotoUpload, Rendition

from .audit import AuditEvent
from .contacts import PressContacts
from .documents import Document
from .embargo import EmbargoAccess, EmbargoView
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
    "Alert",
    "AuditEvent",
    "Block",
    "ChangeNote",
    "Country",
    "Delivery",
    "Document",
    "EmbargoAccess",
    "EmbargoView",
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
    "Subscription",
    "Tag",
    "TaggedRelease",
]
