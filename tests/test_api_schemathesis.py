"""The API against its own schema: Schemathesis sends generated requests, valid and
invalid, to every operation of the live server, and checks that none is answered with a
server error, a status the schema does not list, or a body that contradicts it."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from releases.models import Official, Photo, Release, Tag
from tests import documents
from tests.factories import (
    add_paragraph,
    add_photo_block,
    add_quote,
    add_video,
    make_country,
    make_document,
    make_official,
    make_photo,
    make_position,
    make_release,
    make_tag,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def publish_some_releases():
    """Releases with every kind of block and a document, in one language or both, one
    archived."""
    official = make_official()
    make_position(official, country="PL")
    tag = make_tag()
    for languages in (("uk", "en"), ("uk",), ("en",)):
        release = make_release(languages=languages, hero_photo=make_photo())
        release.officials.add(official)
        release.countries.add(make_country("PL"))
        release.tags.add(tag)
        add_paragraph(release, uk="Абзац з <strong>жирним</strong>.", en="A <em>paragraph</em>.")
        add_quote(release, official)
        add_photo_block(release, make_photo())
        add_video(release, poster=make_photo())
        make_document(release, documents.pdf(), title_uk="Комюніке", title_en="Communiqué")
    make_release(status=Release.Status.ARCHIVED, archive_mode=Release.ArchiveMode.NOTICE)


LISTS = ["releases", "officials", "countries", "tags", "photos"]
LOOKUPS = {
    "releases": "key",
    "officials": "key",
    "countries": "code",
    "tags": "slug",
    "photos": "code",
}
OPERATIONS = [f"/api/v1/{kind}/" for kind in LISTS] + [
    f"/api/v1/{kind}/{{{LOOKUPS[kind]}}}/" for kind in LISTS
]


def known_objects():
    """An address of each kind that names a public object, as the lists give them."""
    release = Release.objects.filter(blocks__isnull=False, complete_uk=True, complete_en=True)
    official = Official.objects.first()
    return {
        "releases": release.first().key,
        "officials": official.key,
        "countries": "pl",
        "tags": Tag.objects.first().slug_en,
        "photos": Photo.objects.filter(blocks__isnull=False).first().code,
    }


@pytest.fixture
def api_schema(live_server, settings):
    # Hundreds of requests from one address in a minute: the limit has its own test.
    settings.API_THROTTLE_RATE = "100000/min"
    publish_some_releases()
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")


def test_every_operation_of_the_schema_is_tried(api_schema):
    assert sorted(api_schema.raw_schema["paths"]) == sorted(OPERATIONS)


def run(operation, examples=12, **options):
    """Send ``examples`` generated requests to ``operation`` and check every answer."""

    @given(case=operation.as_strategy(**options))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case):
        case.call_and_validate(checks=CHECKS)

    answers_as_documented()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("kind", LISTS)
def test_lists_answer_any_query_as_their_schema_says(api_schema, kind, mode):
    run(api_schema[f"/api/v1/{kind}/"]["GET"], generation_mode=mode)


@pytest.mark.parametrize("kind", LISTS)
def test_objects_answer_any_address_as_their_schema_says(api_schema, kind):
    operation = api_schema[f"/api/v1/{kind}/{{{LOOKUPS[kind]}}}/"]["GET"]
    run(operation)
    # And a public object, whose whole answer the schema describes.
    run(operation, examples=1, path_parameters={LOOKUPS[kind]: known_objects()[kind]})
