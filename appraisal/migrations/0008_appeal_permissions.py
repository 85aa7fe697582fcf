"""HR admin's model permissions on appeals and appraisal events (models added after the roles were made)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["appeal", "historicalappeal", "appraisalevent"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("appraisal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    hr, _ = Group.objects.get_or_create(name="HR admin")
    hr.permissions.add(*Permission.objects.filter(content_type__app_label="appraisal", content_type__model__in=MODELS))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="HR admin"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="appraisal", content_type__model__in=MODELS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0007_appraisal_process"),
        ("orgdesign", "0002_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
