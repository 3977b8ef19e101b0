"""tests/queries.py: the one query-count helper passes on the right count and, on a wrong one, fails
with both counts and every statement, numbered."""

import pytest
from django.contrib.auth import get_user_model

from .queries import assert_queries

pytestmark = pytest.mark.django_db


def _two_queries():
    users = get_user_model().objects
    users.filter(username="alex").exists()
    users.filter(username="priya").count()


def test_the_right_count_passes_and_hands_back_the_statements():
    with assert_queries(2) as captured:
        _two_queries()
    assert len(captured.captured_queries) == 2


def test_a_wrong_count_fails_with_both_counts_and_every_statement_numbered(capsys):
    with pytest.raises(AssertionError) as failure:
        with assert_queries(1):
            _two_queries()
    message = str(failure.value)
    assert message.startswith("expected 1 queries on 'default', 2 were run:")
    lines = message.splitlines()[1:]
    assert [line.split(". ", 1)[0] for line in lines] == ["1", "2"]
    assert "alex" in lines[0] and "priya" in lines[1]
    assert "SELECT" in lines[0].upper() and "COUNT(" in lines[1].upper()
    assert message in capsys.readouterr().out


def test_an_error_inside_the_block_is_not_hidden_behind_a_count():
    with pytest.raises(ZeroDivisionError):
        with assert_queries(5):
            _two_queries()
            1 / 0  # noqa: B018 - the point is the exception
