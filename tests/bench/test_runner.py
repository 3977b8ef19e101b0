"""The benchmark runner at a tiny size on the real stack, so `make bench` cannot rot. Timings are never
asserted (a shared CI machine proves nothing about them); the JSON's shape and the query counts are."""

import json

import pytest

from bench import runner
from bench.data import FANOUT_SIZES, FOLLOW_COUNTS


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db
def test_tiny_run_writes_well_formed_results_with_fixed_query_counts(tmp_path):
    results, payload = runner.run("tiny", ("feed", "fanout", "grid", "rules"), repeats=2, out=tmp_path)

    saved = json.loads((tmp_path / "latest.json").read_text())
    assert saved == json.loads(json.dumps(payload, default=str))
    assert len(list(tmp_path.glob("bench-tiny-*.json"))) == 1
    assert saved["data"]["feed_items"] == 3000 and saved["data"]["inbox_rows"] > 0
    machine = saved["machine"]
    assert machine["cpu_count"] >= 1 and machine["postgresql"] and len(machine["loadavg"]) == 3
    for row in saved["results"]:
        assert row["n"] >= 2 and 0 <= row["median_ms"] <= row["p95_ms"] <= row["max_ms"]

    by_group = {}
    for r in results:
        by_group.setdefault(r.group, []).append(r)
    selector, http = by_group["1 home feed selector"], by_group["1 home feed HTTP"]
    assert {r.extra["follows"] for r in selector} == set(FOLLOW_COUNTS)
    # The home feed page costs the same number of queries whatever the follows and the depth.
    assert {r.queries for r in selector} == {5}
    assert len({r.queries for r in http}) == 1
    assert all(r.extra["entries"] == 20 for r in selector if r.extra["page"] == 1)
    deep = [r for r in selector if "ratio_to_page_1" in r.extra]
    assert deep and all(r.extra["entries"] > 0 and r.extra["page"] > 1 for r in deep)
    assert [r.extra["rows"] for r in by_group["2 fan-out"]] == list(FANOUT_SIZES)
    (grid,) = by_group["5 plan grid HTTP"]
    assert grid.extra["cells"] == 20 * 8 and grid.queries == 16  # with the cycle lock and the menu count
    assert "PASS" in runner.table(results) or "MISS" in runner.table(results)
    rules = {r.group: r for r in results if r.group.startswith("4 ")}
    assert set(rules) == {"4 rules full", "4 rules loop", "4 rules incremental"}
    assert rules["4 rules full"].extra["cells"] == 20 * 2 * 8 and rules["4 rules full"].extra["findings"] > 0
    # The ratio compares like with like: the loop finds exactly what the vectorised rules find.
    loop = rules["4 rules loop"].extra
    assert loop["findings"] == loop["vectorised_findings"] > 0
