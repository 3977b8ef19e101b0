"""The story test's own harness, without a browser: a failing step must say which step broke, on whose
screen, and leave that screen's picture behind; the steps after it must not pass or vanish silently."""

from pathlib import Path

import pytest

from .story import harness as story_test
from .story.fixtures import step_tests


def test_a_failing_step_names_the_step_and_the_person_and_saves_their_screenshot(monkeypatch, tmp_path):
    """What CI prints when the story breaks: which step, whose screen, and where the picture is."""

    class Screen:
        def screenshot(self, path, full_page):
            Path(path).write_bytes(b"png")

    monkeypatch.setattr(story_test, "SHOTS", tmp_path)
    story = story_test.Story(browser=None, base="http://testserver")
    story.pages = {"alex": Screen(), "olu": Screen()}
    with pytest.raises(story_test.StoryFailure) as failure:
        with story.step("9c", "Olu sees the shipment post and nothing else", "alex") as who:
            who["who"] = "olu"
            raise AssertionError("Olu opened /t/northwind/rules/: 200")
    message = str(failure.value)
    assert message.startswith("STORY step 9c (olu): Olu sees the shipment post and nothing else")
    assert "Olu opened /t/northwind/rules/: 200" in message
    assert (tmp_path / "FAILED-step9c-olu.png").read_bytes() == b"png"
    assert str(tmp_path / "FAILED-step9c-olu.png") in message


def _story(monkeypatch, tmp_path):
    monkeypatch.setattr(story_test, "SHOTS", tmp_path)
    return story_test.Story(browser=None, base="http://testserver")


def test_a_step_after_a_failed_one_fails_naming_the_first_failure(monkeypatch, tmp_path):
    story = _story(monkeypatch, tmp_path)
    story.pages = {}
    story.record("test_step_00_the_cast_logs_in", passed=True)
    with pytest.raises(story_test.StoryFailure):
        with story.step("1", "Morgan sees both story rules configured and on", "morgan"):
            raise AssertionError("no Demand spike row")
    story.record("test_step_01_rules_configured", passed=False, crash="StoryFailure: ...")
    story.record("test_step_02_alex", passed=False, crash="StoryFailure: not played")
    with pytest.raises(pytest.fail.Exception) as failure:
        story.require_played(
            ["test_step_00_the_cast_logs_in", "test_step_01_rules_configured", "test_step_02_alex"]
        )
    assert str(failure.value) == (
        "not played: the story broke earlier, at test_step_01_rules_configured: "
        "STORY step 1 (morgan): Morgan sees both story rules configured and on"
    )
    story.require_played(["test_step_00_the_cast_logs_in"])  # the steps before the failure still hold


def test_a_failure_outside_a_story_step_is_named_by_its_crash_line(monkeypatch, tmp_path):
    story = _story(monkeypatch, tmp_path)
    story.record("test_step_02_alex", passed=False, crash="TimeoutError: waiting for window.__wsOpen")
    with pytest.raises(pytest.fail.Exception, match="at test_step_02_alex: TimeoutError: waiting for"):
        story.require_played(["test_step_02_alex"])


@pytest.mark.parametrize("in_ci", [True, False])
def test_a_step_played_without_its_earlier_steps_fails_in_ci_and_is_skipped_with_a_reason_elsewhere(
    monkeypatch, tmp_path, in_ci
):
    story = _story(monkeypatch, tmp_path)
    monkeypatch.setattr(story_test.services, "IN_CI", in_ci)
    outcome = pytest.fail.Exception if in_ci else pytest.skip.Exception
    with pytest.raises(outcome, match="test_step_00_the_cast_logs_in did not run first"):
        story.require_played(["test_step_00_the_cast_logs_in"])


def test_the_steps_run_in_the_order_their_names_say():
    from . import test_story

    steps = step_tests(test_story)
    assert steps == sorted(steps) and steps[0] == "test_step_00_the_cast_logs_in"
    assert len(steps) == 18 and steps[-1].startswith("test_step_13_")
