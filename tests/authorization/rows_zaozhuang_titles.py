"""Matrix rows of the portal frame and accounts."""

from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.authorization.matrix import LOGGED_IN, LOGIN, PRIVATE, PUBLIC, REDIRECT, Row, hidden, outcome, same_for_all
from tests.factories import UserFactory
from zaozhuang_titles.models import Export, Role

DIGEST_ROLES = [Role.CITY_STAFF, Role.DISTRICT_STAFF]
only_anonymous_page = {"anonymous": 200, **dict.fromkeys(LOGGED_IN, REDIRECT)}
any_logged_in = {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, 200)}


HR_STAFF = [Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.ADMINISTRATOR]
#: An export's pages: the district staff who asked for it and administrators; other city staff get 404
#: (the export is not theirs), roles that export nothing 403.
EXPORT_PAGE = {**outcome(allowed=HR_STAFF), Role.CITY_STAFF.value: 404}
EXPORT_POST = outcome(allowed=HR_STAFF, ok=405)


def district_export(ctx):
    """A finished export of the matrix's district staff, with its file."""
    name = default_storage.save("exports/matrix.xlsx", ContentFile(b"PK matrix"))
    ctx["export"] = Export.objects.create(
        user=ctx["users"][Role.DISTRICT_STAFF.value],
        kind="enterprises",
        source="enterprises.list",
        row_count=1,
        progress=1,
        status=Export.Status.DONE,
        file=name,
    )


def export_pk(ctx):
    return {"pk": ctx["export"].pk}


def reset_link(ctx):
    # A user of its own: logging in changes last_login, which would void a matrix user's token.
    user = UserFactory(username="reset_link_user")
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


ROWS = [
    # Home sends everybody on: anonymous to login, each role to its home (admin to Django admin).
    Row("home", get={"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, REDIRECT)}, post=same_for_all(405)),
    Row("about", anonymous_cache=PUBLIC, get=same_for_all(200), post=same_for_all(405)),
    Row("notices", get=any_logged_in, post={"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, REDIRECT)}),
    # The daily digest's switch: the staff it goes to, for themselves only (POST; GET is not served).
    Row(
        "notices_digest",
        get=outcome(allowed=DIGEST_ROLES, ok=405),
        post=outcome(allowed=DIGEST_ROLES, ok=REDIRECT),
    ),
    Row("healthz", anonymous_cache=PRIVATE, get=same_for_all(200), post=same_for_all(405)),
    Row("favicon", anonymous_cache=PUBLIC, get=same_for_all(301), post=same_for_all(405)),
    Row("login", anonymous_cache=PRIVATE, get=only_anonymous_page, post=only_anonymous_page),
    Row("register", anonymous_cache=PUBLIC, get=only_anonymous_page, post=only_anonymous_page),
    Row("logout", get=same_for_all(405), post=same_for_all(LOGIN)),
    Row(
        "set_language",
        anonymous_cache=PUBLIC,
        get=same_for_all(REDIRECT),
        post=same_for_all(REDIRECT),
        data={"language": "en"},
    ),
    Row("password_change", get=any_logged_in, post=any_logged_in),
    Row("password_change_done", get=any_logged_in, post={"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, 405)}),
    Row("password_reset", anonymous_cache=PUBLIC, get=same_for_all(200), post=same_for_all(200)),
    Row("password_reset_done", anonymous_cache=PUBLIC, get=same_for_all(200), post=same_for_all(405)),
    # A valid link redirects once to the token-less form URL (Django hides the token from referrers).
    Row(
        "password_reset_confirm",
        anonymous_cache=PRIVATE,
        get=same_for_all(REDIRECT),
        post=same_for_all(REDIRECT),
        kwargs=reset_link,
    ),
    Row("password_reset_complete", anonymous_cache=PUBLIC, get=same_for_all(200), post=same_for_all(405)),
    Row("exports", get=outcome(allowed=HR_STAFF), post=outcome(allowed=HR_STAFF, ok=405)),
    *[
        Row(
            name,
            get=EXPORT_PAGE,
            post=EXPORT_POST,
            setup=district_export,
            kwargs=export_pk,
            # Another division's district staff: the file is not theirs, not even a hint that it exists.
            outsiders=hidden(Role.DISTRICT_STAFF, post=405),
        )
        for name in ("export_detail", "export_status", "export_download")
    ],
]
