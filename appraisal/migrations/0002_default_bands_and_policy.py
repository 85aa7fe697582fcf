"""The default rating bands (S/A/B/C/D) and appraisal policy; HR can change both afterwards."""

from decimal import Decimal

from django.db import migrations

BANDS = [
    ("S", "卓越", "Outstanding", "95", "2.00", "10.00"),
    ("A", "优秀", "Excellent", "85", "1.50", "6.00"),
    ("B", "良好", "Good", "70", "1.00", "3.00"),
    ("C", "合格", "Acceptable", "60", "0.50", "0.00"),
    ("D", "待改进", "Needs improvement", "0", "0.00", "0.00"),
]


def create_defaults(apps, schema_editor):
    RatingBand = apps.get_model("appraisal", "RatingBand")
    AppraisalPolicy = apps.get_model("appraisal", "AppraisalPolicy")
    for code, name, name_en, low, bonus, merit in BANDS:
        RatingBand.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "name_en": name_en, "min_score": Decimal(low),
                "bonus_coefficient": Decimal(bonus), "merit_increase": Decimal(merit),
            },
        )  # fmt: skip
    if not AppraisalPolicy.objects.exists():
        AppraisalPolicy.objects.create()


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
