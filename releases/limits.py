"""How long each text may be, in characters: the one place the limits are decided.

The models take them as ``max_length`` (text fields are ``LimitedTextField``, which
checks it), so the admin refuses a longer text at its field, in the reader's language,
and the importer can read them from the models' fields. A limit is
generous for what the field holds and far from what would hurt a page: a 25-million
character lead made the home page and a feed 52 MB each.
"""

from django.core.validators import MaxLengthValidator
from django.db import models

# Releases
TITLE = 300
LEAD = 1_000  # "one or two sentences": a long paragraph at most
REVIEW_COMMENT = 2_000  # an editor's reasons for sending a release back
ARCHIVE_REASON = 1_000  # shown on the archived page
CHANGE_NOTE = 1_000  # the public note of a major update
PREVIEW_NOTE = 200  # whom a preview link is for
JOURNALIST_NAME = 200  # a journalist given access to a release under embargo
OUTLET = 200  # the journalist's newspaper, channel or agency
USER_AGENT = 300  # what a browser says it is, as an embargoed page's view records it
DOCUMENT_TITLE = 300  # a document's title, also the name of the downloaded file

# Body blocks. One column holds both kinds; a quote is checked against its own limit.
PARAGRAPH = 10_000  # with its inline markup
QUOTE = 3_000
VIDEO_TITLE = 300  # a video's title: it names the player and its poster
VIDEO_ADDRESS = 500  # the YouTube address pasted for a video (only its id is kept)
MAX_BLOCKS = 60  # what the admin's form offers; see DATA_UPLOAD_MAX_MEMORY_SIZE
MAX_DOCUMENTS = 20  # documents a release carries (each up to DOCUMENT_MAX_UPLOAD_BYTES)

# Photos
CAPTION = 1_000
ALT = 300  # screen readers read it whole: short is kinder
CREDIT = 200

# People and topics
OFFICIAL_NAME = 200
POSITION_TITLE = 300
ORGANISATION = 300
TAG_NAME = 100

# The press office's contacts page
CONTACTS_TEXT = 1_000  # a postal address, office hours
ACCREDITATION = 10_000  # the accreditation rules, a few paragraphs

# The public search: the words searched for (longer queries are shortened, and told so).
SEARCH_QUERY = 500


class LimitedTextField(models.TextField):
    """A ``TextField`` that refuses a text longer than its ``max_length`` when validated.

    Django's own gives ``max_length`` to the form's textarea only, where a browser cuts a
    longer pasted text short without a word. Here the model checks it instead: the admin
    shows the error at the field with the whole text still in it, and an import can read
    the limit from the field and check against it. The database column stays ``text``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.default_validators = [
                *self.default_validators,
                MaxLengthValidator(self.max_length),
            ]

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": None, **kwargs})
