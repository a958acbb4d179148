"""Which records django-reversion keeps versions of: a release with its body and tags."""

import reversion

from .models import Block, Release, TaggedRelease

reversion.register(Release, follow=["blocks", "taggedrelease_set"])
reversion.register(Block)
reversion.register(TaggedRelease)
