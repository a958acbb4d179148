"""Search indexes per language: a GIN index of the vectors and a B-tree of the releases.

A search always asks for one language. With one GIN index for all, PostgreSQL combined it
with a scan of every document's language (a BitmapAnd over the unique index), which cost
more than the search itself at 100,000 releases; an index per language answers both at
once. The B-tree lets a search for a common word walk the newest documents of its
language alone. PostgreSQL only: elsewhere the vector is not used.
"""

from django.conf import settings
from django.db import migrations


def names(code):
    code = code.replace("-", "_")
    return f"search_document_vector_{code}_idx", f"search_document_release_{code}_idx"


def per_language(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_document_vector_idx")
    for code, _name in settings.LANGUAGES:
        vector, release = names(code)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {vector} ON releases_searchdocument "
            f"USING GIN (vector) WHERE language = '{code}'"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {release} ON releases_searchdocument "
            f"(release_id) WHERE language = '{code}'"
        )


def one_for_all(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for code, _name in settings.LANGUAGES:
        for index in names(code):
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_document_vector_idx "
        "ON releases_searchdocument USING GIN (vector)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0006_release_completeness_flags'),
    ]

    operations = [
        migrations.RunPython(per_language, one_for_all),
    ]
