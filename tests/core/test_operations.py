"""Settings per environment, deploy checks, docker-compose commands, headers, static and error pages."""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command, get_commands
from django.test import override_settings
from django.urls import reverse

from sopsocial.audit.chain import verify_tenant
from sopsocial.tenancy.models import Membership, Tenant

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def _settings_in(env):
    """Import the settings in a fresh interpreter with exactly this environment."""
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps({'db': s.DATABASES['default'], 'layer': s.CHANNEL_LAYERS['default']['BACKEND'],"
        "'cache': s.CACHES['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        "'broker': s.CELERY_BROKER_URL, 'acks_late': s.CELERY_TASK_ACKS_LATE,"
        "'reject': s.CELERY_TASK_REJECT_ON_WORKER_LOST, 'prefetch': s.CELERY_WORKER_PREFETCH_MULTIPLIER,"
        "'visibility': s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'],"
        "'transport': s.CELERY_BROKER_TRANSPORT_OPTIONS, 'cache_options': s.CACHES['default'].get('OPTIONS'),"
        "'retry': s.CELERY_BROKER_CONNECTION_RETRY, 'max_retries': s.CELERY_BROKER_CONNECTION_MAX_RETRIES,"
        "'limit': s.CELERY_TASK_TIME_LIMIT,"
        "'accept': s.CELERY_ACCEPT_CONTENT, 'serializer': s.CELERY_TASK_SERIALIZER,"
        "'hashers': s.PASSWORD_HASHERS, 'email': s.EMAIL_BACKEND}, default=str))"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "CI"}}
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run([PY, "-c", code], env={**base, **env}, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default_needs_no_services():
    s = _settings_in({})
    assert s["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["cache"].endswith("LocMemCache")
    assert s["eager"] is True
    assert s["email"].endswith("console.EmailBackend")
    assert s["hashers"][0].endswith("Argon2PasswordHasher")


def test_full_stack_uses_postgres_pool_and_redis_with_reliable_celery():
    s = _settings_in(
        {
            "DATABASE_URL": "postgres://app:pw@db.internal:5432/sop",
            "REDIS_URL": "redis://cache:6379/0",
            "EMAIL_HOST": "smtp.example.com",
        }
    )
    assert s["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert s["db"]["OPTIONS"]["pool"]["max_size"] == 20 and s["db"]["CONN_MAX_AGE"] == 0
    assert (s["db"]["HOST"], s["db"]["NAME"]) == ("db.internal", "sop")
    assert s["layer"] == "channels_redis.core.RedisChannelLayer"
    assert s["cache"].endswith("RedisCache")
    assert s["eager"] is False and s["broker"] == "redis://cache:6379/0"
    assert s["acks_late"] and s["reject"] and s["prefetch"] == 1
    assert s["visibility"] > s["limit"], "a task must finish before Redis redelivers it"
    # A broker restart: the worker reconnects without limit (Celery's default exits after 100 tries),
    # and no Redis socket waits forever on a vanished host.
    assert s["retry"] is True and s["max_retries"] is None
    assert s["transport"]["socket_connect_timeout"] and s["transport"]["socket_keepalive"]
    assert 0 < s["transport"]["health_check_interval"] < s["transport"]["socket_timeout"]
    assert s["cache_options"]["socket_connect_timeout"] and s["cache_options"]["socket_timeout"]
    assert s["accept"] == ["json"] and s["serializer"] == "json"
    assert s["email"].endswith("smtp.EmailBackend")


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(
        {
            "SOPSOCIAL_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "sop.example.com",
            **extra,
        }
    )
    return env


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [PY, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run([PY, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0 and "needs SECRET_KEY" in result.stderr


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_docker_compose_runs_only_commands_that_exist_in_the_project():
    services = _compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    commands = get_commands()
    for name, service in services.items():
        assert "healthcheck" in service or name == "migrate", f"{name} has no health check"
        command = service.get("command")
        if not command or name in {"redis"}:
            continue
        program, *args = command
        if program == "python":
            assert args[0] == "manage.py" and args[1] in commands, (
                f"{name}: unknown manage.py command {args[1]}"
            )
        elif program == "daphne":
            module, attr = args[-1].split(":")
            assert hasattr(__import__(module, fromlist=[attr]), attr), f"{name}: {args[-1]} does not exist"
        elif program == "celery":
            assert args[:2] == ["-A", "config"] and args[2] in {"worker", "beat"}
            from config import celery_app

            assert celery_app.main == "sopsocial"
        else:
            pytest.fail(f"{name}: unexpected program {program}")
        assert (Path(sys.executable).parent / program).exists() or program == "python", (
            f"{program} not installed"
        )
    assert "/healthz" in json.dumps(services["web"]["healthcheck"])
    assert reverse("site:healthz") == "/healthz"


def test_the_readme_documents_the_compose_commands_and_every_environment_variable():
    readme = (ROOT / "README.md").read_text()
    assert readme.lstrip().startswith("# sopsocial")
    assert readme.index("make run") < readme.index("make test") < readme.index("## ")
    for service in ("web", "worker", "beat"):
        assert " ".join(_compose()["services"][service]["command"]) in readme, (
            f"{service} command not in README"
        )
    settings_src = (ROOT / "config" / "settings.py").read_text()
    variables = set(re.findall(r'env(?:_bool|_list)?\("([A-Z_]+)"', settings_src))
    missing = sorted(v for v in variables if f"`{v}`" not in readme)
    assert not missing, f"environment variables not documented in README: {missing}"


def test_healthz_answers_when_the_database_does(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_every_response_carries_csp_and_a_request_id(client, db):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="req-123")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Request-ID"] == "req-123"
    assert response["X-Frame-Options"] == "DENY"
    bogus = client.get(reverse("login"), HTTP_X_REQUEST_ID="<script>")
    assert re.fullmatch(r"[0-9a-f]{32}", bogus["X-Request-ID"])


def test_templates_have_no_inline_script_style_or_handlers():
    """CSP forbids them; this keeps new templates honest."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\sstyle=\"", text)
            or re.search(r"\son[a-z]+=\"", text)
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_vendored_assets_exist_with_licences(client, db):
    base = (ROOT / "templates" / "base.html").read_text()
    for ref in re.findall(r"{% static '([^']+)' %}", base):
        assert (ROOT / "static" / ref).exists(), ref
    vendor = ROOT / "static" / "vendor"
    assert (vendor / "htmx" / "LICENSE.htmx.txt").exists() and (
        vendor / "htmx" / "LICENSE.htmx-ext-ws.txt"
    ).exists()
    assert (vendor / "pico" / "LICENSE.pico.md").exists()
    assert "cdn" not in base.lower() and "https://" not in base


def test_friendly_error_pages(client, db, rf):
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and "There is nothing here" in response.content.decode()
    from sopsocial.pages.views import error_400, error_403, error_500

    request = rf.get("/")
    assert error_500(request).status_code == 500 and b"Something went wrong" in error_500(request).content
    assert error_400(request).status_code == 400
    assert error_403(request).status_code == 403


def _unguarded(request, tenant_slug):
    from django.http import HttpResponse

    return HttpResponse("leak")


urlpatterns = []


def test_a_tenant_route_without_the_guard_never_runs(client, admin_member):
    from django.urls import path

    global urlpatterns
    urlpatterns = [path("t/<slug:tenant_slug>/leak/", _unguarded)]
    client.raise_request_exception = False
    client.force_login(admin_member.user)
    with override_settings(ROOT_URLCONF=__name__):
        response = client.get(f"/t/{admin_member.tenant.slug}/leak/")
    assert response.status_code == 500 and b"leak" not in response.content


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_audited():
    call_command("load_demo", stdout=open(os.devnull, "w"))
    counts = (Tenant.objects.count(), Membership.objects.count())
    call_command("load_demo", stdout=open(os.devnull, "w"))
    assert (Tenant.objects.count(), Membership.objects.count()) == counts
    northwind = Tenant.objects.get(slug="northwind")
    people = {
        m.user.username: m
        for m in Membership.objects.filter(tenant=northwind).select_related("partner", "user")
    }
    assert set(people) >= {"alex", "sam", "priya", "dana", "olu", "morgan"}
    assert people["morgan"].role == "admin" and people["sam"].role == "executive"
    assert people["olu"].partner.name == "FastFreight"
    assert Membership.objects.filter(user__username="olu").count() == 2  # serves two manufacturers
    assert verify_tenant(northwind).ok


# --- supervision: a worker or beat that exits is started again ----------------------------------

RESPAWN = ROOT / "bin" / "respawn"


def _make_target(name):
    """The recipe line of a Makefile target."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    return lines[lines.index(f"{name}: install") + 1].strip()


def test_every_long_running_compose_service_restarts_after_a_crash():
    services = _compose()["services"]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert services[name].get("restart") in {"unless-stopped", "always"}, f"{name} is not restarted"


def test_make_worker_and_beat_run_the_compose_commands_under_respawn():
    compose = _compose()["services"]
    for name in ("worker", "beat"):
        recipe = _make_target(name)
        assert recipe.startswith("bin/respawn $(BIN)/celery "), recipe
        worker_args = " ".join(compose[name]["command"][1:]).split(" --schedule")[0]
        assert worker_args in recipe, (worker_args, recipe)
    assert os.access(RESPAWN, os.X_OK)


def test_the_systemd_units_restart_the_documented_commands():
    compose = _compose()["services"]
    readme = (ROOT / "README.md").read_text()
    for name in ("web", "worker", "beat"):
        unit = (ROOT / "docs" / "deploy" / f"sopsocial-{name}.service").read_text()
        assert "\nRestart=always\n" in unit, name
        execstart = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
        program, *args = compose[name]["command"]
        expected = " ".join(args).split(" --schedule")[0].replace("0.0.0.0", "127.0.0.1")
        assert f"/{program} " in execstart and expected in execstart, (expected, execstart)
        assert f"sopsocial-{name}.service" in readme


def _respawn(tmp_path, script, **env):
    command = tmp_path / "command.sh"
    command.write_text("#!/bin/sh\n" + script)
    command.chmod(0o755)
    return subprocess.Popen(
        [str(RESPAWN), str(command)],
        cwd=tmp_path,
        env={**os.environ, "RESPAWN_DELAY": "0", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_respawn_starts_a_failing_command_again_until_it_exits_cleanly(tmp_path):
    # Fails twice (as a worker that crashed would), then exits cleanly (a warm shutdown).
    proc = _respawn(
        tmp_path,
        'n=$(cat runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > runs\n[ "$n" -ge 3 ] || exit 3\n',
    )
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert (tmp_path / "runs").read_text().strip() == "3"
    assert err.count("exited with status 3; starting it again") == 2


def test_respawn_starts_a_killed_command_again_and_passes_sigterm_on(tmp_path):
    script = (
        "echo $$ >> pids\n"
        "trap 'echo stopped >> pids; exit 0' TERM\n"
        "while :; do sleep 0.05; done\n"  # a worker at work; the trap runs between two sleeps
    )
    proc = _respawn(tmp_path, script)
    pids = tmp_path / "pids"

    def started(count):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if pids.exists() and len(pids.read_text().split()) >= count:
                return pids.read_text().split()
            time.sleep(0.05)
        raise AssertionError(
            f"the command did not start {count} times: {pids.read_text() if pids.exists() else ''}"
        )

    first = int(started(1)[0])
    os.kill(first, signal.SIGKILL)  # a crash or the OOM killer
    second = int(started(2)[1])
    assert second != first
    proc.send_signal(signal.SIGTERM)  # systemd, compose or Ctrl-C stopping the service
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert pids.read_text().split()[-1] == "stopped"
    assert "exited with status 137; starting it again" in err
