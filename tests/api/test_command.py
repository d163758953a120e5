"""Ops create a client and rotate its token from the shell; the token is printed once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from api import services
from api.models import ApiClient

pytestmark = pytest.mark.django_db


def test_create_then_rotate_from_the_shell():
    out = StringIO()
    call_command("api_client", "create", "培训平台", "--scope", "hours:write", "--rate", "30", stdout=out)
    token = out.getvalue().strip()
    client = ApiClient.objects.get(name="培训平台")
    assert services.client_for_token(token) == client
    assert client.scopes == ["hours:write"] and client.rate_limit_per_minute == 30
    rotated = StringIO()
    call_command("api_client", "rotate", "培训平台", stdout=rotated)
    assert services.client_for_token(token) is None
    assert services.client_for_token(rotated.getvalue().strip()) == client
    with pytest.raises(CommandError):
        call_command("api_client", "rotate", "没有这个", stdout=StringIO())
