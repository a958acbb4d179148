"""The press staff's daily tool: both languages side by side, errors on the field."""

import taggit.models
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from releases.accounts import StaffLoginForm
from releases.alerts import admin as alerts_admin  # noqa: F401 - registers the e-mail alerts
from releases.photos import admin as photos_admin  # noqa: F401 - registers the photo library

from . import audit, contacts, people, releases, tags  # noqa: F401 - each registers its models

# Our Tag model, with names in both languages, replaces taggit's own in the admin.
admin.site.unregister(taggit.models.Tag)
# The task queue's own pages (in English only, with tracebacks) are not for the press
# staff: they follow their uploads on the photo pages; operators read the worker's log.
admin.site.unregister(DBTaskResult)

admin.site.site_header = _("Press service")
admin.site.site_title = _("Press service")
admin.site.index_title = _("Press releases and their materials")
# The login form asks for the code of two-step sign-in as well (releases/accounts.py).
admin.site.login_form = StaffLoginForm
