"""The roles' model permissions on processes: HR admin writes them, the API reader reads them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["process", "processstep", "raciassignment"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("analytics")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="analytics", content_type__model__in=MODELS)
    hr, _ = Group.objects.get_or_create(name="HR admin")
    hr.permissions.add(*ours)
    reader, _ = Group.objects.get_or_create(name="API reader")
    reader.permissions.add(*ours.filter(codename__startswith="view_"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["HR admin", "API reader"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="analytics"))


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("orgdesign", "0002_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
