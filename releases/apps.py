from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Press service")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import accounts, audit, revisions, signals  # noqa: F401
        from .alerts import delivery  # noqa: F401  (announces releases once saved)
        from .roles import ensure_roles_after_migrate
        from .search import index_missing_after_migrate
        from .signals import refresh_completeness_after_migrate

        post_migrate.connect(ensure_roles_after_migrate, sender=self)
        post_migrate.connect(index_missing_after_migrate, sender=self)
        post_migrate.connect(refresh_completeness_after_migrate, sender=self)
