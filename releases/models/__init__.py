from .people import Country, Official, Position
from .photos import Photo, Rendition
from .release import Block, Release, ReleaseQuerySet
from .tags import Tag, TaggedRelease

__all__ = [
    "Block",
    "Country",
    "Official",
    "Photo",
    "Position",
    "Release",
    "ReleaseQuerySet",
    "Rendition",
    "Tag",
    "TaggedRelease",
]
