"""Search at archive scale: fewer pages read per match.

- Two partial indexes of the public releases by id, one per language, holding the
  publication time (PostgreSQL's INCLUDE; elsewhere a plain partial index): a search
  checks each of its thousands of matches for "public in this language" in the index,
  without reading the release's row.
- The search documents keep their vectors out of line (``toast_tuple_target``: any row
  larger than 128 bytes is compressed or moved to the TOAST table), so that the rows a
  search visits after the GIN index are small and many share a page. Rows written
  before this keep their layout until they are written again: ``manage.py
  rebuild_search_index`` rewrites them all. PostgreSQL only.
"""

from django.db import migrations, models


def small_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE releases_searchdocument SET (toast_tuple_target = 128)")


def default_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE releases_searchdocument RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0010_text_limits"),
    ]

    operations = [
        *(
            migrations.AddIndex(
                model_name="release",
                index=models.Index(
                    condition=models.Q(
                        ("status__in", ["published", "scheduled"]), (f"complete_{lang}", True)
                    ),
                    fields=["id"],
                    include=("published_at",),
                    name=f"release_public_{lang}_id_idx",
                ),
            )
            for lang in ("uk", "en")
        ),
        migrations.RunPython(small_rows, default_rows),
    ]
