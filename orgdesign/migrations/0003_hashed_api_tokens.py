"""API tokens keep a SHA-256 digest of their key instead of the key, and an integer id.

Existing keys go on working: each one's digest and prefix are computed from it here. The admin
log named tokens by their key (it was the primary key); those entries now name the new id, or
nothing when the token is gone, so no key is left in clear anywhere.

The key column goes, and the prefix gets its index, in the next migration (PostgreSQL alters no
table whose rows changed in the same transaction). Going back is refused: a digest cannot be turned back into its key.
"""

import hashlib

from django.db import migrations, models

PREFIX_LENGTH = 8


def hash_keys(apps, schema_editor):
    ApiToken = apps.get_model("orgdesign", "ApiToken")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    ids = {}
    for token in ApiToken.objects.all():
        token.prefix = token.key[:PREFIX_LENGTH]
        token.digest = hashlib.sha256(token.key.encode()).hexdigest()
        token.save(update_fields=["prefix", "digest"])
        ids[token.key] = str(token.id)
    content_type = ContentType.objects.filter(app_label="orgdesign", model="apitoken").first()
    if content_type is not None:
        for entry in LogEntry.objects.filter(content_type=content_type):
            entry.object_id = ids.get(entry.object_id)
            entry.save(update_fields=["object_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("orgdesign", "0002_roles"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="key",
            field=models.CharField(max_length=40, verbose_name="key"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="id",
            field=models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="prefix",
            field=models.CharField(
                default="", editable=False, max_length=8, verbose_name="key prefix",
                help_text="The first characters of the key, to tell tokens apart.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="digest",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="key digest"),
            preserve_default=False,
        ),
        migrations.RunPython(hash_keys, elidable=False),
    ]
