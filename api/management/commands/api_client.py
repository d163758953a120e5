"""Create an API client or rotate its token from the shell (ops): prints the token once.

manage.py api_client create "省专业技术人员管理服务平台" --scope results:read --scope batches:read
manage.py api_client rotate "省专业技术人员管理服务平台"
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api import services
from api.models import ApiClient, Scope


class Command(BaseCommand):
    help = "Create an API client (with its scopes) or rotate its token; the token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "rotate"])
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", default=[], choices=Scope.values, dest="scopes")
        parser.add_argument("--organisation", default="")
        parser.add_argument("--rate", type=int, default=120, help="calls a minute")

    def handle(self, *, action, name, scopes, organisation, rate, **options):
        try:
            if action == "create":
                _client, token = services.client_create(
                    name=name, scopes=scopes, organisation=organisation, rate_limit_per_minute=rate, actor=None
                )
            else:
                client = ApiClient.objects.filter(name=name).first()
                if client is None:
                    raise CommandError(f"No API client is named {name!r}.")
                token = services.client_rotate(client=client, actor=None)
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        self.stdout.write(token)
