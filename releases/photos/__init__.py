"""The photo library, in one place: photos, their renditions and their uploads.

A subpackage of the releases app, not an app of its own: its tables keep their names and
the app label ``releases``, so moving the code here moved no data. What Django finds only
in an app's own modules is wired from there: ``releases.models`` re-exports the models and
``releases.admin`` imports the admin, which registers itself.

- ``models.py``: Photo, Rendition and PhotoUpload;
- ``imaging.py``: the gate every image passes (``prepare_photo``);
- ``uploads.py``: the upload size limit, and batch uploads received and processed;
- ``renditions.py``: the whole library's working copies and renditions, made again;
- ``forms.py``: the photo form (one image through the gate) and the batch upload form;
- ``admin.py``: the photo library in the admin, with batch upload;
- ``chooser.py``, ``widgets.py``: the photo chooser of the release form (search, upload in
  place) and the field that opens it;
- ``views.py``: renditions and originals, for whoever may see them.

Django finds tag libraries and commands only in an app's own folders: the ``picture``
tag is in ``releases/templatetags/photos.py``, and the commands ``regenerate_renditions``
and ``recover_photo_uploads`` are in ``releases/management/commands/``.
"""
