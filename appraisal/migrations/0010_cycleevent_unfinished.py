"""A forced step keeps its count of unfinished appraisals as a number, no longer inside the reason.

The reasons written before carry the count at their end, as the language of whoever forced the
step said it then: "… (11 unfinished)" or "…(11 份未完成)". Those endings move into the new
field and the reason is left as HR wrote it; going back writes the English ending again.
"""

import re

from django.db import migrations, models

FORCED = ("force_calibration", "force_close")
ENDINGS = (
    re.compile(r"^(?P<reason>.*?)\s*\((?P<count>\d+) unfinished\)$", re.DOTALL),
    re.compile(r"^(?P<reason>.*?)\s*[(（](?P<count>\d+) ?份未完成[)）]$", re.DOTALL),
)


def count_apart(apps, schema_editor):
    CycleEvent = apps.get_model("appraisal", "CycleEvent")
    for event in CycleEvent.objects.filter(action__in=FORCED, unfinished__isnull=True).only("id", "reason"):
        for ending in ENDINGS:
            match = ending.match(event.reason)
            if match:
                CycleEvent.objects.filter(pk=event.pk).update(
                    reason=match["reason"].strip(), unfinished=int(match["count"])
                )
                break


def count_into_reason(apps, schema_editor):
    CycleEvent = apps.get_model("appraisal", "CycleEvent")
    for event in CycleEvent.objects.filter(unfinished__isnull=False).only("id", "reason", "unfinished"):
        CycleEvent.objects.filter(pk=event.pk).update(reason=f"{event.reason} ({event.unfinished} unfinished)")


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0009_clean_control_characters")]

    operations = [
        migrations.AddField(
            model_name="cycleevent",
            name="unfinished",
            field=models.PositiveIntegerField(
                blank=True,
                help_text=(
                    "How many appraisals were unfinished when HR went ahead anyway; empty for an ordinary step."
                ),
                null=True,
                verbose_name="unfinished appraisals",
            ),
        ),
        migrations.RunPython(count_apart, count_into_reason),
    ]
