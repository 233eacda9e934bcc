"""The dask engine: the same bytes as the local engine on a LocalCluster of 2 worker processes
(loopback only), also when a worker is killed mid-run; chunk ranges that add up; clean errors."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import time

import numpy as np
import pytest
from conftest import DATA, ROOT, realworld

from graphgov.engine import kernels as K
from graphgov.engine.metrics import chunk_words, compute, structure

distributed = pytest.importorskip("distributed")

from graphgov.engine import distributed as D  # noqa: E402

AS_OF = "2026-11-30"
SAMPLE = (str(DATA / "org"), "--register", str(DATA / "register.yaml"))
JAEGER = (
    "service-deps",
    "jaeger-ui",
    "packages",
    "jaeger-ui",
    "src",
    "components",
    "DependencyGraph",
    "sample_data",
    "large.json",
)


def local_cluster():  # type: ignore[no-untyped-def]
    return distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.CRITICAL,
    )


@pytest.fixture(scope="module")
def cluster():
    with local_cluster() as c:
        yield c


@pytest.fixture(scope="module")
def service_100k(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_analyze
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    path = tmp_path_factory.mktemp("svc") / "service-100k.csv"
    bench_analyze.write_edges(path, bench_analyze.service_graph(100_000, 1), "svc:")
    return path


def both_csvs(cli, tmp_path, scheduler, *inputs):
    """The analyze CSV of the local engine and of the cluster (bytes), and the dask run."""
    local = tmp_path / "local.csv"
    dask = tmp_path / "dask.csv"
    r1 = cli("analyze", *inputs, "--as-of", AS_OF, "-o", local, "-q")
    assert r1.exit_code == 0, r1.output
    r2 = cli(
        "analyze",
        *inputs,
        "--as-of",
        AS_OF,
        "-o",
        dask,
        "--engine",
        "dask",
        "--scheduler",
        scheduler,
    )
    assert r2.exit_code == 0, r2.output
    return local.read_bytes(), dask.read_bytes(), r2


# --------------------------------------------------------------------------- same bytes
def test_sample_csv_identical_on_the_cluster(cli, tmp_path, cluster):
    local, dask, run = both_csvs(cli, tmp_path, cluster.scheduler_address, *SAMPLE)
    assert local == dask
    assert local.count(b"\n") == 66  # header and 65 nodes: a real table, not two empty files
    assert f"dask: 2 workers on {cluster.scheduler_address}" in run.stderr


def test_jaeger_csv_identical_on_the_cluster(cli, tmp_path, cluster):
    path = realworld(*JAEGER)
    local, dask, _ = both_csvs(cli, tmp_path, cluster.scheduler_address, path)
    assert local == dask and local.count(b"\n") == 1239


def test_service_graph_100k_csv_identical_on_the_cluster(cli, tmp_path, cluster, service_100k):
    local, dask, _ = both_csvs(cli, tmp_path, cluster.scheduler_address, service_100k)
    assert local == dask and local.count(b"\n") == 100_001


def test_review_and_snapshot_identical_on_the_cluster(cli, tmp_path, cluster):
    addr = cluster.scheduler_address
    base = ("--as-of", AS_OF, "-q")
    for engine in ((), ("--engine", "dask", "--scheduler", addr)):
        name = "dask" if engine else "local"
        r = cli("snapshot", *SAMPLE, *base, "-o", tmp_path / f"{name}.json", *engine)
        assert r.exit_code == 0, r.output
        r = cli("review", *SAMPLE, *base, "-o", tmp_path / f"review-{name}", *engine)
        assert r.exit_code == 0, r.output
    snap = json.loads((tmp_path / "dask.json").read_text(encoding="utf-8"))
    assert "engine" not in snap["settings"] and "scheduler" not in snap["settings"]
    assert (tmp_path / "local.json").read_bytes() == (tmp_path / "dask.json").read_bytes()
    for f in ("review.csv", "review.md"):
        assert (tmp_path / "review-local" / f).read_bytes() == (
            tmp_path / "review-dask" / f
        ).read_bytes()


def test_graphgov_starts_its_own_local_cluster_and_prints_the_dashboard(cli, tmp_path):
    out = tmp_path / "own.csv"
    r = cli(
        "analyze",
        *SAMPLE,
        "--as-of",
        AS_OF,
        "-o",
        out,
        "--engine",
        "dask",
        "--set",
        "dask_workers=1",
    )
    assert r.exit_code == 0, r.output
    assert "dask: 1 worker on a LocalCluster at tcp://127.0.0.1:" in r.stderr
    assert "dashboard: http://127.0.0.1:" in r.stderr
    local = tmp_path / "local.csv"
    cli("analyze", *SAMPLE, "--as-of", AS_OF, "-o", local, "-q")
    assert out.read_bytes() == local.read_bytes()


# --------------------------------------------------------------------------- a worker dies
def test_worker_killed_mid_run_gives_the_identical_result(service_100k):
    from graphgov.ingest import load_core
    from graphgov.settings import load_settings

    settings = load_settings(overrides={"as_of": AS_OF}, environ={})
    core = load_core(str(service_100k), settings=settings)
    budget = 8 << 20  # narrow chunks: many of them, so the run outlives the kill
    want = compute(core, settings, settings.today, chunk_bytes=budget)
    killed: dict[str, object] = {}

    def kill_one(engine, label, done, total):  # type: ignore[no-untyped-def]
        if killed or label != "reach":
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            busy = {w: k for w, k in engine.client.processing().items() if k}
            if busy:
                break
            time.sleep(0.01)
        worker, keys = max(busy.items(), key=lambda wk: len(wk[1]))
        os.kill(pids[worker], signal.SIGKILL)
        killed.update(worker=worker, keys=list(keys), done=done, total=total)

    with local_cluster() as cl, distributed.Client(cl, set_as_default=False) as client:
        client.wait_for_workers(2)
        pids = client.run(os.getpid)
        engine = D.DaskEngine(client, address=cl.scheduler_address, on_result=kill_one)
        got = compute(core, settings, settings.today, chunk_bytes=budget, reach=engine)
        after = set(client.scheduler_info(n_workers=-1)["workers"])
    assert killed, "no worker was killed"
    assert killed["keys"], "the killed worker was running nothing"
    assert killed["done"] < killed["total"]  # killed with work left in the pass
    assert killed["worker"] not in after  # it really died (the nanny started a new one)
    assert killed["total"] == 8  # 2 workers x 4 ranges
    for name, column in want.values.items():
        assert np.array_equal(column, got.values[name]), name
    for attr in ("nxt", "hops", "tailref", "step_u", "comp"):
        assert np.array_equal(getattr(want, attr), getattr(got, attr)), attr


# --------------------------------------------------------------------------- ranges add up
def random_dag_core(seed: int, n: int = 700, m: int = 2500):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m).astype(np.int32)
    dst = rng.integers(0, n, m).astype(np.int32)
    return n, src, dst


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("hub_share", [None, 2.0])  # with the hub renumbering, and without
def test_closed_reach_ranges_add_up_to_the_whole(seed, hub_share):
    n, src, dst = random_dag_core(seed)
    st = structure(n, src, dst)
    rng = np.random.default_rng(seed)
    flags = [rng.random(n) < 0.3, np.zeros(n, bool), np.ones(n, bool), rng.random(n) < 0.5]
    masks = np.stack([np.packbits(f, bitorder="little") for f in flags])
    pad = (-masks.shape[1]) % 8
    masks = np.concatenate([masks, np.zeros((4, pad), np.uint8)], axis=1).view("<u8").copy()
    words = 2  # 128 positions a chunk: 6 chunks
    whole = K.closed_reach_counts(
        st.ncomp, st.cptr, st.cidx, st.start, masks, words, hub_share=hub_share
    )
    prep = K.closed_reach_prepare(st.ncomp, st.cptr, st.cidx, st.start, masks, words, hub_share)
    assert prep.nchunks == K.closed_reach_chunks(n, words) == 6
    assert (prep.region_end > 0) == (hub_share is None)  # a hub region, or none
    for ntasks in (1, 2, 4, 6):
        parts = [K.closed_reach_part(prep, a, b) for a, b in D.split(prep.nchunks, ntasks)]
        assert np.array_equal(K.closed_reach_finish(prep, sum(parts)), whole)
    assert whole[:, 0].max() > 10  # real reaches, not a graph of isolated nodes


def test_label_reach_ranges_add_up_to_the_whole():
    n, src, dst = random_dag_core(7, n=600, m=2000)
    st = structure(n, src, dst)
    rng = np.random.default_rng(7)
    labels = rng.integers(-1, 300, n)
    nlab = 300
    from graphgov.engine.metrics import _label_csr

    sptr, scol = _label_csr(st, labels, nlab)
    q_nodes = np.sort(rng.choice(st.ncomp, 40, replace=False))
    qptr = np.zeros(st.ncomp + 1, dtype=np.int64)
    np.cumsum(np.bincount(q_nodes, minlength=st.ncomp), out=qptr[1:])
    qcol = rng.integers(0, nlab, len(q_nodes)).astype(np.int64)
    words = 1  # 64 labels a chunk: 5 chunks
    whole = K.label_reach_counts(st.ncomp, st.cptr, st.cidx, sptr, scol, nlab, words, qptr, qcol)
    nchunks = K.label_reach_chunks(nlab, words)
    assert nchunks == 5
    parts = [
        K.label_reach_range(st.ncomp, st.cptr, st.cidx, sptr, scol, nlab, words, qptr, qcol, a, b)
        for a, b in D.split(nchunks, 3)
    ]
    assert np.array_equal(sum(p[0] for p in parts), whole[0])
    assert np.array_equal(sum(p[1] for p in parts), whole[1])
    assert np.array_equal(np.logical_or.reduce([p[2] for p in parts]), whole[2])
    assert whole[2].any() and not whole[2].all()


# --------------------------------------------------------------------------- errors, settings
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_scheduler_is_a_clean_error(cli, tmp_path):
    addr = f"tcp://127.0.0.1:{free_port()}"
    out = tmp_path / "x.csv"
    r = cli("analyze", *SAMPLE, "-o", out, "--scheduler", addr, "--set", "dask_timeout=1", "-q")
    assert r.exit_code == 5
    assert f"graphgov: error: cannot reach the Dask scheduler at {addr} within 1 s" in r.stderr
    assert "Traceback" not in r.output and not out.exists()


def test_engine_is_a_setting_like_every_other(tmp_path, monkeypatch):
    from graphgov.errors import ConfigError
    from graphgov.settings import load_settings

    assert load_settings(environ={}).engine == "local"
    assert load_settings(environ={"GRAPHGOV_ENGINE": "dask"}).engine == "dask"
    toml = tmp_path / "graphgov.toml"
    toml.write_text('engine = "dask"\nscheduler = "tcp://10.0.0.5:8786"\n', encoding="utf-8")
    s = load_settings(toml, environ={})
    assert (s.engine, s.scheduler, s.sources["engine"]) == (
        "dask",
        "tcp://10.0.0.5:8786",
        str(toml),
    )
    assert load_settings(toml, {"engine": "local"}, environ={}).engine == "local"
    with pytest.raises(ConfigError, match="'engine' must be local or dask"):
        load_settings(environ={"GRAPHGOV_ENGINE": "spark"})


def test_environment_engine_reaches_the_command(cli, tmp_path, monkeypatch):
    addr = f"tcp://127.0.0.1:{free_port()}"
    monkeypatch.setenv("GRAPHGOV_ENGINE", "dask")
    monkeypatch.setenv("GRAPHGOV_SCHEDULER", addr)
    monkeypatch.setenv("GRAPHGOV_DASK_TIMEOUT", "1")
    r = cli("analyze", *SAMPLE, "-q")
    assert r.exit_code == 5 and addr in r.stderr  # it tried the cluster named in the environment
    r = cli("analyze", *SAMPLE, "-q", "--engine", "local", "--format", "csv")
    assert r.exit_code == 0 and r.stdout.count("\n") == 66  # the option wins


def test_terminal_progress_counts_tasks():
    class Tty:
        def __init__(self) -> None:
            self.text = ""

        def isatty(self) -> bool:
            return True

        def write(self, s: str) -> None:
            self.text += s

        def flush(self) -> None:
            pass

    tty = Tty()
    show = D.terminal_progress(tty)
    assert show is not None
    for done in (1, 2, 3):
        show("reach", done, 3)
    line = "\r\x1b[2Kdask reach: {}/3 tasks"
    assert tty.text == "".join(line.format(d) for d in (1, 2, 3)) + "\n"


# --------------------------------------------------------------------------- the plan
def test_plan_reports_this_inputs_chunks_and_runs_nothing(cli, tmp_path, service_100k):
    from graphgov.ingest import load_core
    from graphgov.settings import load_settings

    out = tmp_path / "never.csv"
    r = cli("analyze", str(service_100k), "--plan", "-q", "-o", out)
    assert r.exit_code == 0, r.output
    assert not out.exists()
    core = load_core(str(service_100k), settings=load_settings(environ={}))
    st = structure(core.n, core.src, core.dst)
    chunks = K.closed_reach_chunks(core.n, chunk_words(st.ncomp, core.n))
    assert (
        f"reach: {st.ncomp:,} components, {len(st.cidx):,} condensation edges; {chunks:,} chunk"
        in r.stdout
    )
    assert "1 worker " in r.stdout and "64 workers " in r.stdout
