from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgdesignConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orgdesign"
    verbose_name = _("integration")

    def ready(self):
        from orgdesign import lookups  # noqa: F401  (registers `__among`)
        from orgdesign.text import protect_models

        protect_models()  # every text field of our models refuses control characters
