"""The four roles as groups, with the model permissions each needs.

Scopes (a manager's subtree, an employee's own appraisal) are not model permissions: they come
from the organisation through orgdesign/access.py and django-guardian object permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HR_APPS = ["departments", "positions", "appraisal", "orgdesign", "auth", "axes"]
READ_ORGANISATION = [
    ("departments", "department"), ("departments", "departmentduty"), ("departments", "collaborationmechanism"),
    ("positions", "position"), ("positions", "duty"), ("positions", "authority"), ("positions", "workstandard"),
    ("positions", "employee"), ("positions", "descriptionversion"),
]  # fmt: skip


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    hr, _ = Group.objects.get_or_create(name="HR admin")
    hr.permissions.set(Permission.objects.filter(content_type__app_label__in=HR_APPS))
    reader, _ = Group.objects.get_or_create(name="API reader")
    reader.permissions.set(
        Permission.objects.filter(
            codename__in=[f"view_{model}" for _app, model in READ_ORGANISATION],
            content_type__app_label__in={app for app, _model in READ_ORGANISATION},
        )
    )
    Group.objects.get_or_create(name="Department manager")
    Group.objects.get_or_create(name="Employee")


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["HR admin", "API reader", "Department manager", "Employee"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orgdesign", "0001_api_tokens_and_deletions"),
        ("departments", "0003_historicalcollaborationmechanism_and_more"),
        ("positions", "0002_historicalauthority_historicalduty_and_more"),
        ("appraisal", "0004_appraisal_object_permissions"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
