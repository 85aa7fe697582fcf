"""Reads of positions and their descriptions that more than one interface needs."""

from django.db.models import Count, Q

from positions.models import Position


def description_snapshot(position):
    """The published description as plain data: what a `DescriptionVersion` stores."""
    duties = list(position.duties.all())
    duty_index = {duty.pk: index for index, duty in enumerate(duties)}
    return {
        "code": position.code,
        "title": position.title,
        "title_en": position.title_en,
        "department": position.department.code,
        "reports_to": position.reports_to.code if position.reports_to_id else None,
        "grade": position.grade,
        "headcount": position.headcount,
        "is_key": position.is_key,
        "purpose": position.purpose,
        "purpose_en": position.purpose_en,
        "duties": [
            {"category": d.category, "title": d.title, "title_en": d.title_en, "text": d.text, "text_en": d.text_en}
            for d in duties
        ],
        "authorities": [{"text": a.text, "text_en": a.text_en} for a in position.authorities.all()],
        "standards": [
            {
                "measure": s.measure,
                "measure_en": s.measure_en,
                "target": None if s.target is None else str(s.target.normalize()),
                "unit": s.unit,
                "duty": duty_index.get(s.duty_id),
            }
            for s in position.standards.all()
        ],
    }


def position_list_with_headcount():
    """Positions annotated with `filled` (active holders) and `vacant` (planned minus filled)."""
    return Position.objects.select_related("department", "reports_to").annotate(
        filled=Count("holders", filter=Q(holders__active=True))
    )
