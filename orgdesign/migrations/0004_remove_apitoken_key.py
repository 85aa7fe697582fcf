"""The clear key is gone (0003 kept its digest and prefix); tokens are found by their prefix."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orgdesign", "0003_hashed_api_tokens")]

    operations = [
        migrations.RemoveField(model_name="apitoken", name="key"),
        migrations.AlterField(
            model_name="apitoken",
            name="prefix",
            field=models.CharField(
                db_index=True, editable=False, max_length=8, verbose_name="key prefix",
                help_text="The first characters of the key, to tell tokens apart.",
            ),
        ),
        migrations.AlterModelOptions(
            name="apitoken",
            options={"ordering": ["-created", "-id"], "verbose_name": "API token", "verbose_name_plural": "API tokens"},
        ),
    ]
