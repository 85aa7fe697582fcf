"""Failed logins recorded before locks had a cool-off get the expiry every new one gets.

Without one, axes never clears such a record, and the next failure of that username from that
address would add to it and lock at once. Five minutes after the last failure, as a first lock.
"""

import datetime

from django.db import migrations


def give_expiry(apps, schema_editor):
    AccessAttempt = apps.get_model("axes", "AccessAttempt")
    AccessAttemptExpiration = apps.get_model("axes", "AccessAttemptExpiration")
    AccessAttemptExpiration.objects.bulk_create(
        AccessAttemptExpiration(access_attempt=attempt, expires_at=attempt.attempt_time + datetime.timedelta(minutes=5))
        for attempt in AccessAttempt.objects.filter(expiration__isnull=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgdesign", "0004_remove_apitoken_key"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(give_expiry, migrations.RunPython.noop)]
