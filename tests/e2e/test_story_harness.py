"""The story test's own harness, without a browser: a failing step must say which step broke, on whose
screen, and leave that screen's picture behind."""

from pathlib import Path

import pytest

from . import story as story_test


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
