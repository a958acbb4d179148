"""The translators' tools for the site's interface strings, the catalogues in ``locale/``.

django-rosetta edits the catalogues in the browser; this app decides who may, checks what
a translation may hold, takes a whole ``.po`` file back from a desktop tool, makes every
worker process pick up a changed catalogue without a restart, and merges a new version's
strings into the edited catalogues (``manage.py sync_catalogues``). It has no models.
"""
