"""Two clients fuzzing the whole API at once against the real server (gunicorn, DEBUG off, two workers).

Requests are generated from the API's own schema, valid and invalid, for every operation, and
sent by two threads at the same time as an HR admin and as a manager; whatever they do to each
other's data, no answer may be a 5xx. Bounded: `FUZZ_CONCURRENT_EXAMPLES` requests per operation
and mode (default 2), one pass.
"""

import os
import random
import warnings
from concurrent.futures import ThreadPoolExecutor

import requests
import schemathesis
from django.core.management import call_command
from hypothesis.errors import NonInteractiveExampleWarning
from schemathesis.generation import GenerationMode

from orgdesign.services import api_token_create
from positions.models import Employee
from tests.api.test_fuzz import _served_schema
from tests.reliability.conftest import postgresql_only

EXAMPLES = int(os.environ.get("FUZZ_CONCURRENT_EXAMPLES", "2"))


def _cases():
    schema = schemathesis.openapi.from_dict(_served_schema())
    cases = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode)
                for _number in range(EXAMPLES):
                    try:
                        cases.append(strategy.example())
                    except Exception:  # noqa: BLE001  (an operation with nothing negative to say)
                        break
    return cases


@postgresql_only
def test_two_clients_fuzzing_at_once_get_no_server_error(served, django_user_model):
    from django.contrib.auth.models import Group

    from orgdesign.access import HR_ADMIN
    from positions.services import employee_update

    call_command("seed_org", "--demo", verbosity=0)
    hr = django_user_model.objects.create_user("fuzz-hr", password="fuzz-password-1", is_staff=True)
    hr.groups.add(Group.objects.get(name=HR_ADMIN))
    manager = django_user_model.objects.create_user("fuzz-manager", password="fuzz-password-1")
    employee_update(employee=Employee.objects.filter(position__title="销售部经理").first(), user=manager)
    tokens = [api_token_create(user=hr, name="hr").key, api_token_create(user=manager, name="m").key]

    cases = _cases()
    random.Random(7).shuffle(cases)
    halves = [cases[0::2], cases[1::2]]

    def run(number):
        session, errors = requests.Session(), []
        headers = {"Authorization": f"Token {tokens[number]}"}
        for case in halves[number]:
            kwargs = case.as_transport_kwargs(base_url=served.base, headers=headers)
            kwargs.update(timeout=30, allow_redirects=False)
            response = session.request(**kwargs)
            if response.status_code >= 500:
                errors.append((case.method, case.formatted_path, response.status_code, response.text[:300]))
        return errors

    with ThreadPoolExecutor(2) as pool:
        errors = [error for found in pool.map(run, range(2)) for error in found]
    assert len(cases) > 100
    assert errors == []
