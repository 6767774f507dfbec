#!/usr/bin/env python3
"""Builds hardware_db/data/*.json from the curated reference tables.

The JSON files are the database's source of truth and are committed; this
script records how they were made from ../shared/reference/ (hardware.csv,
grid.csv, pue.csv, embodied.csv), so a refresh of those tables can be
re-imported. Run from the repository root: scripts/import_reference.py
"""
import csv
import json
import os
import re
import sys

REF = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "reference")
OUT = os.path.join(os.path.dirname(__file__), "..", "hardware_db", "data")

# Billed-hours MFU: across 40+ published pre-training runs the MFU implied by
# billed GPU-hours has a median near 32% (range about 14-51%), below the
# 38-56% steady-state MFU of benchmarks. The default ("typical") is the low
# end of the accelerator's steady-state benchmark range, which sits at that
# billed median for A100/H100; the band runs from typical * 14/32 (the
# lowest billed run) to the top of the steady-state range.
BILLED_LOW_RATIO = 14.0 / 32.0

# A100 average power while training: 329 W of 400 W TDP (82%) in
# TeenyTinyLlama-460m's CodeCarbon log (Correa et al. 2024), on one
# A100-SXM4-40GB.
A100_POWER_FRACTION = 0.82
A100_POWER_EVIDENCE = ("TeenyTinyLlama-460m CodeCarbon log (Correa et al. 2024): 112.97 kWh total, "
                       "GPU energy / duration = 329 W average on one A100-SXM4-40GB (82% of 400 W TDP)")

ALPHA2 = {
    "CHN": "CN", "USA": "US", "IND": "IN", "RUS": "RU", "JPN": "JP", "BRA": "BR", "CAN": "CA",
    "KOR": "KR", "FRA": "FR", "DEU": "DE", "SAU": "SA", "IRN": "IR", "MEX": "MX", "IDN": "ID",
    "TUR": "TR", "GBR": "GB", "TWN": "TW", "AUS": "AU", "ESP": "ES", "VNM": "VN", "ITA": "IT",
    "ZAF": "ZA", "EGY": "EG", "THA": "TH", "MYS": "MY", "POL": "PL", "SWE": "SE", "PAK": "PK",
    "ARE": "AE", "NOR": "NO", "ARG": "AR", "NLD": "NL", "PHL": "PH", "IRQ": "IQ", "KAZ": "KZ",
    "UKR": "UA", "BGD": "BD", "KWT": "KW", "DZA": "DZ", "COL": "CO", "VEN": "VE", "CHL": "CL",
    "BEL": "BE", "FIN": "FI", "CZE": "CZ", "IRL": "IE", "SGP": "SG", "DNK": "DK", "CHE": "CH",
    "ISL": "IS", "ISR": "IL", "NZL": "NZ", "PRT": "PT", "AUT": "AT", "GRC": "GR", "ROU": "RO",
    "HUN": "HU", "QAT": "QA",
}


def num(s):
    s = (s or "").strip()
    return float(s) if s else None


def accelerator_id(ref_id):
    """v100_sxm2_32gb -> v100-sxm2-32gb; the per-GPU suffixes drop."""
    i = ref_id.replace("_", "-")
    return {"b200-hgx": "b200", "gb200-per-gpu": "gb200"}.get(i, i)


def accelerators():
    out = []
    for r in csv.DictReader(open(os.path.join(REF, "hardware.csv"))):
        steady_low, steady_high = num(r["mfu_typical_low"]), num(r["mfu_typical_high"])
        typical = steady_low
        frac = num(r["train_power_frac_of_tdp"])
        frac_evidence = r["power_frac_evidence"] or None
        if r["id"].startswith("a100_sxm4"):
            frac, frac_evidence = A100_POWER_FRACTION, A100_POWER_EVIDENCE
        if frac is None:
            frac_evidence = None
        out.append({
            "id": accelerator_id(r["id"]),
            "name": r["name"],
            "vendor": r["vendor"],
            "form_factor": r["form_factor"],
            "year": int(r["release_year"]),
            "peak_tflops": {"bf16": num(r["bf16_dense_tflops"]), "fp16": num(r["fp16_dense_tflops"]),
                            "fp8": num(r["fp8_dense_tflops"])},
            "memory_gb": num(r["mem_gb"]),
            "bandwidth_tbps": num(r["mem_bw_tbps"]),
            "tdp_w": num(r["tdp_w"]),
            "mfu": {
                "low": round(typical * BILLED_LOW_RATIO, 4),
                "typical": typical,
                "high": steady_high,
                "steady_state": [steady_low, steady_high],
                "evidence": r["mfu_evidence"],
                "basis": "typical = low end of steady-state benchmarks, near the 32% median MFU implied by "
                         "billed GPU-hours of 40+ published runs; low = typical x 14/32 (lowest billed run); "
                         "high = top of steady-state benchmarks",
            },
            "power_fraction": frac,
            "power_fraction_evidence": frac_evidence,
            "embodied_kgco2e": num(r["embodied_kgco2e"]),
            "embodied_basis": r["embodied_basis"] or None,
            "source": r["spec_source"],
            "confidence": r["confidence"],
            "notes": r["notes"],
        })
    return out


def year_of(text):
    m = re.search(r"(19|20)\d\d", text or "")
    return int(m.group(0)) if m else None


def grids():
    out = []
    for r in csv.DictReader(open(os.path.join(REF, "grid.csv"))):
        scope = r["scope"]
        entry = {"scope": scope, "name": r["name"], "gco2_per_kwh": float(r["gco2_per_kwh"]),
                 "year": year_of(r["year"]), "year_text": r["year"], "basis": r["basis"], "source": r["source"]}
        if scope == "world":
            entry["id"] = "world" if r["year"] == "2018" else "world-" + r["year"]
        elif scope == "country":
            entry["id"] = r["code"]
            entry["alpha3"] = r["code"]
            entry["alpha2"] = ALPHA2[r["code"]]
        else:
            entry["id"] = r["provider"] + ":" + r["region_id"]
            entry["provider"] = r["provider"]
            entry["region"] = r["region_id"]
        out.append(entry)
    return out


def pue():
    wanted = {  # provider key -> row of pue.csv
        "google": ("Google", "fleet trailing-12-month"), "gcp": ("Google", "fleet trailing-12-month"),
        "aws": ("AWS", "global"), "azure": ("Microsoft", "global portfolio average"),
        "meta": ("Meta", "fleet average"), "oracle": ("Oracle", "'as low as'"),
        "industry-average": ("Industry average (Uptime Institute survey)", "global self-reported", "2023"),
    }
    rows = list(csv.DictReader(open(os.path.join(REF, "pue.csv"))))
    out = []
    for key, want in wanted.items():
        for r in rows:
            if r["operator"] == want[0] and r["scope"] == want[1] and (len(want) < 3 or r["year"] == want[2]):
                out.append({"id": key, "operator": r["operator"], "pue": float(r["pue"]), "year": r["year"],
                            "source": r["source"]})
                break
        else:
            sys.exit("pue.csv has no row for " + key)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in (("accelerators", accelerators()), ("grids", grids()), ("pue", pue())):
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump({name: data}, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(name, len(data))


if __name__ == "__main__":
    main()
