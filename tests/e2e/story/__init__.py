"""What tests/e2e/test_story.py plays STORY.md with: the harness (browsers, screenshots, step order), the
demo cast, the screens' recurring gestures and the module-scoped fixtures that share them between steps."""
