"""The read-only JSON API at /api/v1/: public releases, officials, countries, tags and
photos in both languages (docs/api.md).

- ``serializers.py``: what each object looks like, both languages side by side;
- ``filters.py``: the filters of the release list;
- ``throttling.py``: requests per client, counted in the shared cache;
- ``views.py``: what is public (the site's own definitions), pagination, validators;
- ``urls.py``: the addresses, the OpenAPI schema and the browsable docs.
"""
