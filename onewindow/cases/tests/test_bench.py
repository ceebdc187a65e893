import json

from stdnum.cn import ric

from onewindow.cases import bench
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import PASSPORT, submit


def test_a_submission_must_answer_201_with_a_case_number_and_its_status() -> None:
    case = {"number": "310000-GA-20261128-0042", "status": "submitted"}
    assert bench.check_submitted(201, json.dumps(case).encode()) is None
    assert "HTTP 200" in (bench.check_submitted(200, json.dumps(case).encode()) or "")
    assert "HTTP 422" in (bench.check_submitted(422, b'{"code": "invalid"}') or "")
    for wrong in ({**case, "number": "pending-0af3"}, {**case, "status": "in_progress"}, {}):
        assert bench.check_submitted(201, json.dumps(wrong).encode()) is not None


def test_a_completion_must_answer_200_with_the_case_in_progress() -> None:
    case = {"number": "310000-GA-20261128-0042", "status": "in_progress"}
    assert bench.check_accepted(200, json.dumps(case).encode()) is None
    assert bench.check_accepted(409, b'{"code": "task_closed"}') is not None
    assert bench.check_accepted(200, json.dumps({**case, "status": "submitted"}).encode())


def test_the_bare_endpoint_must_answer_201_with_an_id() -> None:
    assert bench.check_bare(201, b'{"id": "ab12"}') is None
    assert bench.check_bare(201, b'{"id": ""}') is not None
    assert bench.check_bare(500, b"") is not None


def test_seeded_applicants_have_valid_identity_numbers() -> None:
    numbers = {bench._id_number(n) for n in range(20)}
    assert len(numbers) == 20
    assert all(ric.is_valid(n) for n in numbers)


def test_the_production_profile_environment_never_runs_tasks_inline(tmp_path) -> None:
    options = bench.Options(
        database_url="postgres://postgres@127.0.0.1:5432/onewindow_bench_http",
        broker_url="",
        workers=4,
        clients=8,
        seconds=1,
        warmup=0,
        citizens=1,
        officers=1,
        seeded_cases=0,
    )
    env = bench.environment(options, str(tmp_path))
    assert env["ONEWINDOW_TASKS_EAGER"] == "false"
    assert env["ONEWINDOW_FILING_QUEUED"] == "true"
    inline = bench.environment(options, str(tmp_path), queued=False)
    differing = {name for name in env if inline[name] != env[name]}
    assert differing == {"ONEWINDOW_FILING_QUEUED", "ONEWINDOW_SECRET_KEY"}
    assert env["ONEWINDOW_DATABASE_URL"].startswith("postgres://")
    assert env["DJANGO_SETTINGS_MODULE"] == "onewindow.bench_settings"
    assert env["ONEWINDOW_DEBUG"] == "false"


def test_the_worker_phase_starts_every_queued_run(world, settings) -> None:
    settings.FILING_QUEUED = True
    queued = [submit(world[name], PASSPORT) for name in ("citizen.wang", "citizen.chen")]
    drained = bench.start_queued_runs()
    assert drained.runs == 2 and drained.seconds > 0
    assert drained.per_second == drained.runs / drained.seconds
    assert not Case.objects.filter(run_queued=True).exists()
    assert all(Case.objects.get(pk=c.pk).instance_id for c in queued)


def test_the_in_process_costs_are_measured_on_checked_answers(db, settings, tmp_path, monkeypatch):
    from onewindow.cases import bench_cpu
    from onewindow.workflow.models import WorkTask

    settings.ROOT_URLCONF = "onewindow.bench_urls"  # the bare endpoint, as the section's
    settings.FILING_QUEUED = True
    plan = tmp_path / "plan.json"
    bench.seed(str(plan), citizens=1, officers=1, cases=6)
    monkeypatch.setattr(bench_cpu, "ROUNDS", 2)
    monkeypatch.setattr(bench_cpu, "PER_ROUND", 2)
    monkeypatch.setattr(bench_cpu, "WARM_UP", 1)
    costs = bench_cpu.measure(str(plan))
    assert set(costs) == {"bare", "submit", "complete"}
    assert all(cost.cpu_ms > 0 for cost in costs.values())
    assert costs["bare"].statements == 1
    assert costs["submit"].statements > 10 and costs["complete"].statements > 20
    # Every decision was an acceptance the API answered as the HTTP phase expects.
    assert WorkTask.objects.filter(status="completed", outcome="accept").count() == 1 + 2 * 2 + 1
    lines = bench._in_process_lines(costs)
    assert f"submit {costs['submit'].cpu_ms:.2f} ms" in lines and "1 statement;" in lines
