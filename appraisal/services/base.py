"""What the appraisal services share: locking a cycle, refusing a closed one, state steps and events."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from appraisal.choices import CycleState
from appraisal.models import AppraisalCycle, AppraisalEvent
from orgdesign.audit import record_history_of
from orgdesign.exceptions import Conflict

BATCH = 2000
HUNDRED = Decimal(100)


def transition(obj, method):
    """Run a django-fsm transition; a step the state does not allow is a 409 naming the state."""
    try:
        getattr(obj, method)()
    except TransitionNotAllowed as error:
        raise Conflict(
            _("%(object)s is %(state)s; that step is not possible now.")
            % {"object": obj, "state": obj.get_state_display()}
        ) from error


def locked_cycle(cycle_id):
    """The cycle row, locked until the end of the transaction (serialises writes against state changes)."""
    return AppraisalCycle.objects.select_for_update(of=("self",)).select_related("scope").get(pk=cycle_id)


def refuse_if_closed(cycle):
    if cycle.state == CycleState.CLOSED:
        raise Conflict(_("%(cycle)s is closed; nothing in it can change unless HR reopens it.") % {"cycle": cycle})


def record_current(model, ids, user=None):
    """History rows with the current values of the rows `ids`, after a bulk write."""
    record_history_of(model, ids, update=True, user=user)


def record_event(appraisal_ids, action, *, reason="", user=None, changes=None):
    """One AppraisalEvent per appraisal; `changes` is {appraisal id: {field: [before, after]}}."""
    changes = changes or {}
    AppraisalEvent.objects.bulk_create(
        [
            AppraisalEvent(appraisal_id=pk, action=action, reason=reason, user=user, changes=changes.get(pk, {}))
            for pk in appraisal_ids
        ],
        batch_size=BATCH,
    )


def plain(value):
    """A value as JSON keeps it in an event's changes (Decimal and dates as text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
