"""``python -m bench [NAME ...] [-- options]``: run all benchmarks, or the ones named.

Options after the names go to each benchmark, e.g. ``python -m bench startup --runs 25``;
``python -m bench startup --help`` lists them. ``python -m bench --list`` names the benchmarks.
"""

import importlib
import sys

from bench import BENCHMARKS


def main(argv: list[str]) -> int:
    if argv[:1] in (["--list"], ["-l"]):
        for name, (_module, description) in BENCHMARKS.items():
            print(f"{name:12} {description}")
        return 0
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    names = []
    while argv and not argv[0].startswith("-"):
        names.append(argv.pop(0))
    if argv[:1] == ["--"]:
        argv = argv[1:]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}",
            file=sys.stderr,
        )
        return 2
    for name in names or list(BENCHMARKS):
        module = importlib.import_module(BENCHMARKS[name][0])
        print(f"=== {name} ===", flush=True)
        module.main(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
