#!/usr/bin/env python3
"""Regenerates the README's validation scorecard from `scaleplan validate --json`.

Usage: scripts/validation_scorecard.py BINARY [README] [--check]
With --check, exits 1 (printing the new block) when the README's block is not
what the binary scores today, so the published accuracy cannot drift from it.
"""
import json
import pathlib
import subprocess
import sys

BEGIN, END = "<!-- scorecard:begin -->", "<!-- scorecard:end -->"


def scorecard(binary: str) -> str:
    doc = json.loads(subprocess.run([binary, "validate", "--json"], check=True,
                                    capture_output=True, text=True).stdout)
    lines = ["| dataset | measured | runs | median error | MAPE | bias | within x1.2 | within x1.5 | range covers |",
             "|---|---|---|---|---|---|---|---|---|"]
    for s in doc["scores"]:
        covers = f"{s['range']['covered']}/{s['range']['cases']}" if "range" in s else "-"
        lines.append(f"| `{s['dataset']}` | {s['unit']} | {s['cases']} | {s['median_abs_error_pct']:.1f}% "
                     f"| {s['mean_abs_error_pct']:.1f}% | x{s['bias']:.2f} ({s['model_is']}) "
                     f"| {s['within_x1_2']} | {s['within_x1_5']} | {covers} |")
    billed = next(s for s in doc["scores"] if s["dataset"] == "billed_runs")
    lines += ["", "The billed runs one by one (`scaleplan validate --cases`):", "",
              "| run | published GPU-h | modelled GPU-h | ratio | layout |", "|---|---|---|---|---|"]
    for r in billed["runs"]:
        lines.append(f"| {r['run']} | {r['measured']:.3g} | {r['predicted']:.3g} | x{r['ratio']:.2f} "
                     f"| {r['layout']} |")
    return "\n".join(lines)


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--check"]
    binary = args[0]
    readme = pathlib.Path(args[1] if len(args) > 1 else pathlib.Path(__file__).parent.parent / "README.md")
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    block = scorecard(binary)
    new = f"{head}{BEGIN}\n{block}\n{END}{tail}"
    if "--check" in sys.argv:
        if new != text:
            print(f"{readme}: the validation scorecard is out of date; run "
                  f"scripts/validation_scorecard.py {binary}\n{block}")
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
