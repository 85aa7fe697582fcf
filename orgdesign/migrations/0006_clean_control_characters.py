"""Stored text without control characters, as the fields now require (`orgdesign.text`).

Single-line fields get a space for a tab or line break; every other control character is
dropped. Only rows that hold one are changed.
"""

from django.db import migrations

from orgdesign.text import cleaning_operation


class Migration(migrations.Migration):
    dependencies = [("orgdesign", "0005_login_attempts_expire")]

    operations = [cleaning_operation("orgdesign")]
