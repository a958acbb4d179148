"""Videos a release embeds from YouTube: reading the address a press officer pastes.

Only the video's id is kept. The page builds both addresses from it: the link to the
video on youtube.com (what a reader without JavaScript follows) and the player on
YouTube's privacy-enhanced domain, loaded only when the reader asks for it. Whatever is
pasted is parsed here, against a fixed set of hosts and paths, before anything is stored:
another host, another scheme (``javascript:``, ``data:``) or a playlist is refused.
"""

import re
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from releases import limits

YOUTUBE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")
EMBED_ORIGIN = "https://www.youtube-nocookie.com"

# The hosts whose addresses name a video, and the paths that do, after the host.
WATCH_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
SHORT_HOSTS = {"youtu.be"}
EMBED_HOSTS = {"youtube-nocookie.com", "www.youtube-nocookie.com"}
ID_PATHS = re.compile(r"^/(?:embed|shorts|live|v)/([^/]+)/?$")
SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)

NOT_YOUTUBE = _(
    "Paste the address of a video on YouTube, for example "
    "https://www.youtube.com/watch?v=… or https://youtu.be/…"
)
PLAYLIST = _(
    "This is the address of a playlist, not of a video: open the video itself and paste "
    "its address."
)
BAD_ID = _(
    "This address does not name a YouTube video: a video's code has 11 Latin letters, "
    "digits, hyphens or underscores."
)
TOO_LONG = _("This address is too long (%(length)s characters, at most %(limit)s).")


def watch_url(video_id: str) -> str:
    """The video's own page on youtube.com."""
    return f"https://www.youtube.com/watch?v={video_id}"


def embed_url(video_id: str) -> str:
    """The player on the privacy-enhanced domain, starting as it appears (after a click)."""
    return f"{EMBED_ORIGIN}/embed/{video_id}?autoplay=1"


def candidate_id(url) -> str | None:
    """The id the address names, unchecked, or None when it names no video of ours."""
    host, path = url.netloc.lower(), url.path
    if host in SHORT_HOSTS:
        return path.strip("/") or None
    if host not in WATCH_HOSTS | EMBED_HOSTS:
        return None
    if path.rstrip("/") == "/watch" and host in WATCH_HOSTS:
        return (parse_qs(url.query).get("v") or [None])[0]
    match = ID_PATHS.match(path)
    return match.group(1) if match else None


def youtube_id(address: str) -> str:
    """The id of the YouTube video ``address`` names; ``ValidationError`` otherwise."""
    address = (address or "").strip()
    if len(address) > limits.VIDEO_ADDRESS:
        raise ValidationError(
            TOO_LONG,
            code="too_long",
            params={"length": len(address), "limit": limits.VIDEO_ADDRESS},
        )
    if not SCHEME_RE.match(address):
        address = f"https://{address}"  # pasted without its scheme: youtu.be/…
    try:
        url = urlsplit(address)
    except ValueError:
        raise ValidationError(NOT_YOUTUBE, code="not_youtube") from None
    # A user or port in the address (https://youtube.com@elsewhere/) is not YouTube's own.
    if url.scheme.lower() not in ("http", "https") or "@" in url.netloc or ":" in url.netloc:
        raise ValidationError(NOT_YOUTUBE, code="not_youtube")
    found = candidate_id(url)
    if found is None:
        if "list" in parse_qs(url.query) and url.netloc.lower() in WATCH_HOSTS:
            raise ValidationError(PLAYLIST, code="playlist")
        raise ValidationError(NOT_YOUTUBE, code="not_youtube")
    if not YOUTUBE_ID_RE.match(found):
        raise ValidationError(BAD_ID, code="bad_id")
    return found


class YouTubeAddressField(forms.CharField):
    """The address of a video, as pasted; cleaned to the video's id, shown as its address.

    No ``maxlength`` on the input: a browser would cut a long paste short without a word,
    where the server says what is wrong.
    """

    def __init__(self, **kwargs):
        kwargs["max_length"] = None
        kwargs.setdefault("label", _("YouTube address"))
        kwargs.setdefault(
            "help_text",
            _(
                "Paste the video's address from YouTube. The page shows a poster; the player "
                "is loaded from youtube-nocookie.com only when a reader clicks it."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str) and YOUTUBE_ID_RE.match(value):
            return watch_url(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return youtube_id(value) if value else ""
