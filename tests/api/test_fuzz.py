"""The whole API fuzzed from its own schema (schemathesis), as an HR admin and as an API reader.

Every operation of `/api/schema/` gets requests generated from the schema, valid and invalid,
and every answer is checked: no 5xx, a documented status code and content type, a body and
headers that match the schema. It runs in-process over WSGI against the demo organisation, each
operation in its own rolled-back transaction. `FUZZ_EXAMPLES` sets the examples per operation.
"""

import json
import os

import pytest
import schemathesis
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from orgdesign.wsgi import application
from tests import seed_snapshot

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))


@pytest.fixture(scope="module")
def organisation(django_db_setup, django_db_blocker, seed_demo_recording):
    """The demo organisation, committed once for the module; afterwards the database is as it was.

    Emptying the tables alone would also take what the migrations put there (roles, rating
    bands, the appraisal policy) from every later test, so that is saved first and put back.
    """
    with django_db_blocker.unblock():
        if seed_snapshot.enabled():  # the same, in a fraction of the time: rows written and put back in bulk
            before = seed_snapshot.Baseline(include_free=True)
            seed_snapshot.load_seed("--demo")
            yield
            before.restore()
            return
        before = connection.creation.serialize_db_to_string()
        call_command("seed_org", "--demo", verbosity=0)
        yield
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(before)
        with connection.cursor() as cursor:  # rows came back with their ids: move the sequences past them
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)


HOST = "localhost"  # the Host header schemathesis's WSGI client sends


def _served_schema():
    """The schema `/api/schema/` serves (which needs a login), generated as that view does it."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_served_schema())
schema.app = application


@pytest.fixture
def in_the_test_transaction():
    """Keep requests on the test's connection, as Django's test client does.

    A WSGI request closes connections whose autocommit differs from the settings (Django's
    request signals); inside the test's transaction that would close the very connection it runs on.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def tokens(django_user_model):
    """The tokens of an HR admin and of an API reader (a read-only token of a user in that role)."""
    from django.contrib.auth.models import Group

    from orgdesign.access import API_READER, HR_ADMIN
    from orgdesign.services import api_token_create

    hr = django_user_model.objects.create_user("fuzz-hr", password="fuzz-password-1", is_staff=True)
    hr.groups.add(Group.objects.get(name=HR_ADMIN))
    reader = django_user_model.objects.create_user("fuzz-reader", password="fuzz-password-1")
    reader.groups.add(Group.objects.get(name=API_READER))
    return [api_token_create(user=hr, name="hr").key, api_token_create(user=reader, name="r", read_only=True).key]


@pytest.fixture
def allowed_host(settings):
    """Set once per operation: the test body runs once per example, and each `settings.X = …` there would stack
    one more override on the last, making every read of a setting slower, example after example."""
    settings.ALLOWED_HOSTS = [HOST]


@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, organisation, in_the_test_transaction, tokens, allowed_host):
    for token in tokens:
        headers = {"Authorization": f"Token {token}"}
        response = case.call(headers=headers)
        case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])
        if case.meta.generation.mode.is_positive and response.status_code == 400:
            _refused_for_the_state_of_the_data_not_its_shape(response)


# A schema cannot say that an id must exist, that a code must be new, that a quantitative
# indicator has no levels, or (decimals being text) that a weight is at most 100: a well-formed
# request can still be refused with a 400 naming the field, and that is right. What a schema does
# say is the shape and type of each value, so a schema-valid request refused for its shape (a
# number the API cannot read, a missing or empty field the schema lets out) means the schema and
# the API disagree: that fails the test.
SHAPE = ("A valid", "Enter a valid", "Not a valid", "Expected ", "has wrong format", "is not a valid choice",
         "Ensure this field has", "Ensure that there are no more than", "Give ", "may not be",
         "This field is required", "Invalid pk", "Incorrect type")  # fmt: skip


def _refused_for_the_state_of_the_data_not_its_shape(response):
    errors = response.json().get("errors", {})
    shape = {field: messages for field, messages in errors.items()
             if any(sign in message for message in messages for sign in SHAPE)}  # fmt: skip
    assert errors and not shape, f"a schema-valid request was refused for its shape: {response.text[:500]}"
