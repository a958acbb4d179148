"""E-mail alerts: readers and journalists subscribe, and receive each release once.

Self-contained like the photo library: the models (``models.py``, re-exported by
``releases.models``), the public pages (subscribe, confirm, unsubscribe), the background
delivery (``delivery.py``, run by ``manage.py db_worker``) and the admin.
"""
