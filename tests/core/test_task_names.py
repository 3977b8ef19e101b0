"""Task names are constants beside their tasks: every name queued (`enqueue_on_commit`, `send_now`) or
scheduled (beat) is a constant, and each is a task Celery has registered."""

import ast
import importlib
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings

from alerts import task_names as alerts_names
from feeds import task_names as feeds_names
from planning import outbox
from planning import task_names as planning_names
from process import task_names as process_names
from sopsocial.tenancy import task_names as tenancy_names

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("config", "sopsocial", "planning", "feeds", "alerts", "process")
QUEUE_FUNCTIONS = {"enqueue_on_commit", "send_now"}


def _registered():
    current_app.loader.import_default_modules()  # autodiscovery: every app's tasks module
    return set(current_app.tasks)


def _constants(module):
    return {value for name, value in vars(module).items() if name.isupper() and isinstance(value, str)}


def _queue_calls():
    """(module, call) for every call of the queue functions outside sopsocial.queue (which defines them)."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or path == ROOT / "sopsocial" / "queue.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                    if name in QUEUE_FUNCTIONS:
                        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                        yield module, node


def test_every_queued_task_name_is_a_constant_naming_a_registered_task():
    registered = _registered()
    queued = {}
    for module, call in _queue_calls():
        where = f"{module}:{call.lineno}"
        name_arg = call.args[0] if call.args else None
        assert name_arg is not None and not isinstance(name_arg, ast.Constant), (
            f"{where} queues a task by a literal; use the constant beside the task"
        )
        # the argument as written (a constant, or a module's attribute), resolved in its module
        queued[where] = eval(ast.unparse(name_arg), vars(importlib.import_module(module)))  # noqa: S307
    assert len(queued) >= 4, queued  # the walk found the queue calls
    unknown = {where: name for where, name in queued.items() if name not in registered}
    assert not unknown, f"queued but not a registered Celery task: {unknown}"


def test_every_beat_entry_names_a_registered_task_by_its_constant():
    registered = _registered()
    constants = (
        _constants(feeds_names)
        | _constants(alerts_names)
        | _constants(tenancy_names)
        | _constants(planning_names)
        | _constants(process_names)
    )
    scheduled = {key: entry["task"] for key, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    assert scheduled and set(scheduled.values()) <= constants, scheduled
    assert set(scheduled.values()) <= registered, scheduled
    tree = ast.parse((ROOT / "config" / "settings.py").read_text())
    literal = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and key.value == "task" and isinstance(value, ast.Constant)
    ]
    assert not literal, f"config/settings.py names beat tasks by literals on lines {literal}"


@pytest.mark.parametrize(
    "module", [feeds_names, alerts_names, tenancy_names, process_names], ids=lambda m: m.__name__
)
def test_each_app_task_has_a_constant_and_each_constant_a_task(module):
    (app,) = {name.split(".")[0] for name in _constants(module)}  # one app's names share one prefix
    assert {name for name in _registered() if name.startswith(f"{app}.")} == _constants(module)


def test_planning_queues_the_alerts_task_registered_under_its_outbox_constant():
    assert outbox.EVALUATE_PENDING_TASK in _registered()
    assert alerts_names.EVALUATE_PENDING == outbox.EVALUATE_PENDING_TASK
