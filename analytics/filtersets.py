from django.utils.translation import gettext_lazy as _

from analytics.models import Process
from departments.models import Department
from orgdesign.filtersets import IdFilter, OrgFilterSet


class ProcessFilterSet(OrgFilterSet):
    owner = IdFilter(queryset=Department.objects.all(), label=_("Id of the unit that owns the process."))

    class Meta:
        model = Process
        fields = ["owner", "updated_since"]
