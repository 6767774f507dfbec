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

# Links per accelerator, per direction, Gbit/s: (node_size, scale-up,
# scale-out per accelerator, source). NVLink figures are the datasheets'
# bidirectional totals halved; the scale-out share is the reference node's
# NICs divided by its accelerators.
LINKS = {
    "v100-sxm2-32gb": (8, 1200, 50, "NVIDIA V100 datasheet: NVLink 300 GB/s (150 GB/s per direction); "
                       "DGX-1 datasheet: 4x 100 Gb/s EDR InfiniBand per 8 GPUs"),
    "a100-sxm4-40gb": (8, 2400, 200, "NVIDIA A100 datasheet: NVLink 600 GB/s (300 GB/s per direction); "
                       "DGX A100 datasheet: 8x 200 Gb/s HDR InfiniBand per 8 GPUs"),
    "a100-sxm4-80gb": (8, 2400, 200, "NVIDIA A100 datasheet: NVLink 600 GB/s (300 GB/s per direction); "
                       "DGX A100 datasheet: 8x 200 Gb/s HDR InfiniBand per 8 GPUs"),
    "a100-pcie-80gb": (8, 256, 100, "PCIe Gen4 x16 32 GB/s per direction (no NVSwitch); assumed 100 Gb/s "
                       "network share per GPU"),
    "h100-sxm5-80gb": (8, 3600, 400, "NVIDIA H100 datasheet: NVLink 900 GB/s (450 GB/s per direction); "
                       "DGX H100 datasheet: 8x 400 Gb/s ConnectX-7 per 8 GPUs"),
    "h100-pcie-80gb": (8, 512, 200, "PCIe Gen5 x16 64 GB/s per direction (no NVSwitch); assumed 200 Gb/s "
                       "network share per GPU"),
    "h200-sxm-141gb": (8, 3600, 400, "NVIDIA H200 datasheet: NVLink 900 GB/s; DGX H200: 8x 400 Gb/s "
                       "ConnectX-7 per 8 GPUs"),
    "b200": (8, 7200, 400, "NVIDIA DGX B200 datasheet: NVLink 5 1.8 TB/s per GPU (900 GB/s per direction), "
             "8x 400 Gb/s ConnectX-7"),
    "gb200": (72, 7200, 400, "NVIDIA GB200 NVL72: 72 GPUs in one NVLink 5 domain, 1.8 TB/s per GPU; "
              "400 Gb/s ConnectX-7 per GPU"),
    "l4": (8, 256, 12.5, "PCIe Gen4 x16, no NVLink; assumed 100 Gb/s Ethernet per 8-GPU server"),
    "l40s": (8, 256, 50, "PCIe Gen4 x16, no NVLink; AWS g6e.48xlarge 400 Gb/s EFA per 8 GPUs"),
    "a10g": (8, 256, 12.5, "PCIe Gen4 x16, no NVLink; AWS g5.48xlarge 100 Gb/s per 8 GPUs"),
    "rtx-a6000": (8, 256, 12.5, "PCIe Gen4 x16 (NVLink bridges pair two cards only); assumed 100 Gb/s per server"),
    "rtx-3090": (8, 256, 12.5, "PCIe Gen4 x16; assumed 100 Gb/s per workstation server"),
    "rtx-4090": (8, 256, 12.5, "PCIe Gen4 x16, no NVLink; assumed 100 Gb/s per workstation server"),
    "mi250x": (4, 800, 200, "HPE Cray EX235a (Frontier) node: 4 MI250X, Infinity Fabric 100 GB/s between "
               "packages, 4x 200 Gb/s Slingshot per node"),
    "mi300x": (8, 3584, 400, "AMD MI300X datasheet: 7 Infinity Fabric links, 896 GB/s peer bandwidth "
               "(448 GB/s per direction); 8x 400 Gb/s NICs per 8 GPUs"),
    "mi325x": (8, 3584, 400, "AMD MI325X datasheet: 896 GB/s Infinity Fabric peer bandwidth; 8x 400 Gb/s "
               "NICs per 8 GPUs"),
    "tpu-v4": (64, 2400, 2400, "Jouppi et al. ISCA 2023: 6 ICI links per chip in a 3D torus of up to 4,096 "
               "chips (scale-out stays on ICI inside a pod)"),
    "tpu-v5e": (64, 1600, 1600, "Google Cloud TPU v5e docs: 1,600 Gb/s ICI per chip, 256-chip pods"),
    "tpu-v5p": (64, 4800, 4800, "Google Cloud TPU v5p docs: 4,800 Gb/s ICI per chip, 8,960-chip pods"),
    "gaudi2": (8, 2100, 300, "Intel Gaudi 2 white paper: 24x 100 GbE RoCE, 21 within the node, 3 for "
               "scale-out"),
    "gaudi3": (8, 4200, 600, "Intel Gaudi 3 white paper: 24x 200 GbE RoCE, 21 within the node, 3 for "
               "scale-out"),
}

# Achievable BF16 GEMM rate as a saturating curve of arithmetic intensity I
# (FLOP per byte): max_efficiency x I / (I + half). max_efficiency is the
# measured Maximum Achievable Matmul FLOPS over peak (S. Bekman,
# ml-engineering, compute/accelerator/README.md, MAMF table) where measured;
# half is fitted once to the small-GEMM end of Narayanan et al. 2021 Table 1
# (1.7B-7.5B, hidden 2304-4096) and scales with the accelerator's ridge
# point (peak / HBM bandwidth), the intensity at which GEMMs stop being
# memory-bound.
# No sustained (MSMF) figure is published for the A100; 0.75 of peak is the
# rate at which the model reproduces the steady-state MFU of MegaScale 175B
# on 12,288 A100s (55.2%) and TinyLlama 1.1B on 16 (56%) within 4 points,
# 13% under the burst MAMF, as the H200's MSMF is 15% under its MAMF.
A100_SUSTAINED = ("sustained rate fitted to MegaScale 175B (Jiang et al. 2024) and TinyLlama (Zhang et al. 2024) "
                  "steady-state MFU; MAMF burst A100 SXM 267.9 of 312 TFLOP/s")
MAMF = {
    "a100-sxm4-40gb": (0.75, A100_SUSTAINED),
    "a100-sxm4-80gb": (0.75, A100_SUSTAINED),
    "a100-pcie-80gb": (0.822, "MAMF A100 PCIe 256.4 of 312 TFLOP/s"),
    "h100-sxm5-80gb": (0.71, "MSMF (sustained) H200 SXM 698.6-702.9 of 989 TFLOP/s, same GH100 die and 700 W "
                       "(MAMF burst H100 SXM 792.1)"),
    # No GEMM measurement of the PCIe card; the same GH100 die at a lower
    # power cap sustains no more of its (lower) peak than the SXM part.
    "h100-pcie-80gb": (0.71, "no measurement of the PCIe card: the GH100 die's MSMF (H200 SXM 698.6-702.9 of 989 "
                       "TFLOP/s), applied to its own lower peak"),
    "h200-sxm-141gb": (0.71, "MSMF (sustained) H200 SXM 698.6-702.9 of 989 TFLOP/s (MAMF burst 828)"),
    "b200": (0.64, "MSMF (sustained) B200 SXM 1426-1456 of 2250 TFLOP/s (MAMF burst 1745)"),
    "gb200": (0.64, "MSMF (sustained) B200 SXM 1426-1456 of 2250 TFLOP/s, same die (MAMF burst 1745)"),
    "mi250x": (0.767, "MAMF MI250X 147.0 of 191.5 TFLOP/s per GCD"),
    "mi300x": (0.601, "MAMF MI300X 781.9 of 1300 TFLOP/s (ROCm 6.2)"),
    "mi325x": (0.601, "MAMF MI300X (same compute die), assumed"),
    # No GEMM benchmark is published for TPU v4; its LLM training runs at
    # ~60% of peak in hardware FLOPs (Jouppi et al. ISCA 2023, abstract),
    # which with attention, norms and collectives around the GEMMs puts the
    # sustained GEMM rate a little above: 0.65.
    "tpu-v4": (0.65, "sustained rate from Jouppi et al. ISCA 2023: LLM training at ~60% of peak FLOP/s (HFU)"),
}
# FlashAttention supports Turing and newer NVIDIA parts, not Volta
# (Dao-AILab/flash-attention README); attention there stores the scores.
NO_FUSED_ATTENTION = {"v100-sxm2-32gb": "no FlashAttention on Volta (sm70): attention stores the s x s scores"}
ASSUMED_GEMM_EFFICIENCY = 0.8  # no MAMF measurement: between the measured NVIDIA parts
GEMM_HALF_PER_RIDGE = 0.5      # half-saturation intensity / ridge point (fitted, see above)

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


def links(acc_id):
    node, intra, inter, source = LINKS[acc_id]
    return {"node_size": node, "intra_node_gbps": intra, "inter_node_gbps": inter, "source": source}


def gemm(acc_id, peak_tflops, bandwidth_tbps):
    eff, source = MAMF.get(acc_id, (ASSUMED_GEMM_EFFICIENCY, "assumed: no MAMF measurement for this part"))
    ridge = peak_tflops / bandwidth_tbps if bandwidth_tbps else 200.0
    out = {"max_efficiency": eff, "half_intensity_flop_per_byte": round(GEMM_HALF_PER_RIDGE * ridge, 1),
           "source": source + "; half intensity = " + str(GEMM_HALF_PER_RIDGE) +
                     " x ridge point (peak / HBM bandwidth), fitted to Narayanan et al. 2021 Table 1"}
    if acc_id in NO_FUSED_ATTENTION:
        out["fused_attention"] = False
        out["source"] += "; " + NO_FUSED_ATTENTION[acc_id]
    return out


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
            "links": links(accelerator_id(r["id"])),
            "gemm": gemm(accelerator_id(r["id"]), num(r["bf16_dense_tflops"]) or num(r["fp16_dense_tflops"]),
                         num(r["mem_bw_tbps"])),
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
