"""Issue an API token for a user, optionally read-only, and print its key (the only time it is shown)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgdesign.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for USER and print its key, which is stored only hashed and shown only now; "
        "--read-only makes every write with it fail (403). For whoever runs the server: in the application, "
        "people make tokens only for themselves."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="The token may only read.")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'payroll sync'.")

    def handle(self, *args, username, read_only, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user named {username!r}.")
        try:
            token = api_token_create(user=user, name=name, read_only=read_only)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(token.key)
