"""benchmarks.autosave_load against the live server: experts log in through the login page, save in
threads, and the comparison with the stored scores finds every acknowledged value (short pauses: the
load itself is the benchmark's, never a test's)."""

import pytest
from django.test import override_settings

from reviews.models import Score
from tests.reviews.factories import ReviewWorld

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(request):
    # The live server's media handler needs a MEDIA_URL it can parse (see tests/e2e/conftest.py).
    with override_settings(MEDIA_URL="http://private-media.invalid/"):
        return request.getfixturevalue("live_server")


def test_autosave_load_logs_experts_in_saves_and_finds_no_lost_write(server):
    from benchmarks.autosave_load import prepare, run

    review = ReviewWorld(cases=1, panel_size=3)
    # One expert: the live server shares SQLite's in-memory connection between its threads.
    experts = prepare(experts=1)
    assert prepare(experts=1) == experts  # idempotent: the same account and targets
    assert len(experts[0]["targets"]) == len(review.criteria)

    result = run(base_url=server.url, experts=experts, duration=0.6, pause=(0.05, 0.1))

    assert (result["logged_in"], result["errors"], result["lost_writes"]) == (1, 0, 0), result
    assert result["saves"] >= 3 and result["p95_ms"] is not None
    stored = Score.objects.filter(assignment__expert__user__username__startswith="bench-expert-")
    assert stored.count() == result["targets"]
    assert all(score.comment.startswith("bench bench-expert-") for score in stored)


def test_autosave_load_counts_a_refused_login_as_an_error(server):
    from benchmarks.autosave_load import prepare, run

    ReviewWorld(cases=1, panel_size=3)
    [expert] = prepare(experts=1)

    result = run(base_url=server.url, experts=[{**expert, "password": "wrong"}], duration=0.2, pause=(0.05, 0.1))

    assert (result["logged_in"], result["login_errors"], result["saves"]) == (0, 1, 0)
    assert "not logged in" in result["error_samples"][0]
