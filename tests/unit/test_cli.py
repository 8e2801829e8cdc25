"""The `netkit` command without root: help, usage errors, dry runs."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pytest

from netkit.cli import COMMANDS, EXIT_OK, EXIT_USAGE, build_parser, main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TWO_ROOMS = str(EXAMPLES / "two-rooms.toml")


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as caught:
        main([*argv, "--help"])
    assert caught.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ((), ["demo", "up", "down", "show", "ns", "--verbose"]),
        (("demo",), ["--on-host", "--keep", "--down", "--prefix"]),
        (("up",), ["--dry-run", "[[veths]]", "host = true", "topology.rst"]),
        (("down",), ["nothing else", "--prefix", "exit status"]),
        (("show",), ["--json", "ip -br"]),
        (("ns",), ["list", "add", "del", "exec"]),
        (("ns", "exec"), ["NAME -- CMD", "127"]),
        (("ns", "add"), ["NAME"]),
    ],
)
def test_every_subcommand_has_help(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], words: list
) -> None:
    text = help_of(capsys, *argv)

    for word in words:
        assert word in text


def test_commands_not_built_yet_are_left_out() -> None:
    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices

    built = {name for name in COMMANDS if find_spec(f"netkit.cli.{name}")}
    assert set(choices) == built
    assert {"demo", "up", "down", "show", "ns"} <= built


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    assert main([]) == EXIT_USAGE
    assert "usage: netkit" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["up"],
        ["ns"],
        ["demo", "--count", "0"],
        ["demo", "--count", "1001"],
        ["demo", "--count", "abc"],
        ["show", "a", "b"],
        ["show", "../x"],
        ["ns", "add", ""],
        ["ns", "add", "a\nb"],
        ["ns", "add", "ok", "tab\there"],
        ["ns", "del", "a/b"],
        ["ns", "exec", "../x", "--", "true"],
    ],
)
def test_bad_arguments_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)

    assert caught.value.code == EXIT_USAGE


def test_dry_run_prints_the_ip_script(capsys: pytest.CaptureFixture) -> None:
    status = main(["up", "--dry-run", "--prefix", "x-", TWO_ROOMS])

    out = capsys.readouterr().out
    assert status == EXIT_OK
    assert out.startswith(f"# netkit up {TWO_ROOMS}, as ip commands\n")
    assert "ip netns add x-red\n" in out
    assert "ip -n x-blue route add 192.168.1.0/24 via 192.168.15.5\n" in out


@pytest.mark.parametrize("command", ["up", "down"])
def test_a_bad_file_is_a_usage_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[namespaces]]\nname = "red"\ncolour = "red"\n')

    status = main([command, str(bad)])

    err = capsys.readouterr().err
    assert status == EXIT_USAGE
    assert f"{bad}: namespaces[0].colour: unknown key" in err
    assert f"netkit {command}: {bad}: 1 problem; nothing was changed" in err


def test_a_missing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    status = main(["up", str(tmp_path / "absent.toml")])

    err = capsys.readouterr().err
    assert status == EXIT_USAGE
    assert "cannot read" in err and "No such file or directory" in err


def test_ns_exec_without_a_command(capsys: pytest.CaptureFixture) -> None:
    assert main(["ns", "exec", "red", "--"]) == EXIT_USAGE
    assert "no command given" in capsys.readouterr().err


def test_a_bad_count_reads_well(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--count", "abc"])

    err = capsys.readouterr().err
    assert "argument --count: 'abc' is not a whole number" in err
    assert "_positive" not in err


def test_a_bad_namespace_name_says_why(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["ns", "add", "a\nb"])

    assert "control character" in capsys.readouterr().err


def _raising(exc: BaseException):
    def run(args: object) -> int:
        raise exc

    return run


def test_a_refusal_is_said_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from netkit.errors import PermissionDenied

    refused = PermissionDenied(
        1, "creating a network namespace needs CAP_SYS_ADMIN (run as root)"
    )
    monkeypatch.setattr("netkit.cli.ns.run_list", _raising(refused))

    assert main(["ns", "list"]) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.count("root") == 1
    assert err.startswith("netkit: creating a network namespace needs ")


def test_a_failed_subprocess_is_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import subprocess

    failed = subprocess.CalledProcessError(1, ["ip", "netns", "add", "x"])
    monkeypatch.setattr("netkit.cli.ns.run_list", _raising(failed))

    assert main(["ns", "list"]) == 1
    assert "ip', 'netns'" in capsys.readouterr().err


def test_bench_help_names_what_it_needs(
    capsys: pytest.CaptureFixture,
) -> None:
    text = help_of(capsys, "bench")

    assert "root" in text and "iproute2" in text


def test_bench_refuses_early_without_root_or_ip() -> None:
    from netkit.cli.bench import missing

    def found(name: str) -> str:
        return f"/usr/bin/{name}"

    assert "run it with sudo" in missing(["W1"], euid=1000, which=found)
    assert missing(["W5"], euid=1000, which=found) is None
    text = missing(["W1"], euid=0, which=lambda name: None)
    assert "netkit bench needs iproute2 (ip)" in text
    assert missing(["W1", "W5"], euid=0, which=found) is None


def test_bench_run_without_root_prints_the_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 1000)

    assert main(["bench", "--quick", "--only", "W1"]) == 1
    assert "run it with sudo" in capsys.readouterr().err


def test_bench_baseline_column_has_no_ratio() -> None:
    from netkit.bench.harness import BASELINE
    from netkit.bench.table import render

    results = {
        "sizes": {},
        "workloads": {
            "W5": {
                "wall": {
                    BASELINE: {"median": 0.01, "netkit_x": 0.3},
                    "netkit": {"median": 0.03, "netkit_x": 1.0},
                }
            }
        },
    }

    table = render(results)

    assert f"{BASELINE} (baseline)" in table
    assert "0.3×" not in table and "10.0 ms (—)" in table
