"""Create the first HR admin login (or keep the existing one) and print how to sign in."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a superuser 'admin' with a random password kept in var/admin-password, and print the login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        password_file = settings.BASE_DIR / "var" / "admin-password"
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        password = password_file.read_text().strip() if password_file.exists() else None
        if user is None:
            password = secrets.token_urlsafe(12)
            user_model.objects.create_superuser(username=username, email="", password=password)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        elif password is None or not user.check_password(password):
            self.stdout.write(
                f"Admin login: user '{username}' exists with a password of its own; "
                f"set a new one with: python manage.py changepassword {username}"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Admin login: user '{username}', password '{password}' (kept in {password_file})")
        )
