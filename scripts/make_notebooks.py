#!/usr/bin/env python3
"""Writes the notebooks in notebooks/ from the cells below (run once when
they change; `make notebooks` then executes them in place so the checked-in
copies carry their outputs). Every number in them comes from the scaleplan
Python module, which returns the commands' --json documents: no formula is
implemented twice."""
import os
import nbformat as nbf

HERE = os.path.join(os.path.dirname(__file__), "..", "notebooks")

SETUP = '''import json, os, sys
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

# The module built by `make` in build/python (`make notebooks` puts it on
# PYTHONPATH); the figures go to notebooks/figures/.
try:
    import scaleplan
except ImportError:
    sys.path.insert(0, os.path.abspath("../build/python"))
    import scaleplan
FIGURES = os.environ.get("SCALEPLAN_FIGURES", "figures")
os.makedirs(FIGURES, exist_ok=True)
plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 90, "axes.grid": True, "grid.alpha": 0.3})

def save(fig, name):
    fig.savefig(os.path.join(FIGURES, name), bbox_inches="tight")

print("figures go to", FIGURES)'''


def notebook(name, cells):
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, text in cells:
        nb.cells.append(nbf.v4.new_markdown_cell(text) if kind == "md" else nbf.v4.new_code_cell(text))
    nbf.write(nb, os.path.join(HERE, name + ".ipynb"))


notebook("01_tokens_for_params", [
    ("md", "# How many tokens for N parameters?\n\nFor model sizes from 100M to 1T parameters, this notebook asks each "
           "preset scaling law for the compute-optimal number of training tokens. It sets them beside the "
           "20-tokens-per-parameter rule of thumb read off Chinchilla's Table 3."),
    ("code", SETUP),
    ("code", '''laws = [l["name"] for l in scaleplan.laws()["laws"]]
sizes = [1e8 * 10 ** (k / 4) for k in range(17)]  # 100M .. 1T
rows = []
for law in laws:
    for n in sizes:
        d = scaleplan.tokens(params=n, law=law)
        rows.append({"law": law, "params": n, "tokens": d["tokens"], "tokens_per_param": d["tokens_per_param"],
                     "rule_of_thumb": d["rule_of_thumb"]["tokens"]})
table = pd.DataFrame(rows)
pivot = table.pivot(index="params", columns="law", values="tokens_per_param")
pivot.index = [f"{n/1e9:.2g}B" for n in pivot.index]
pivot.round(1)'''),
    ("code", '''fig, ax = plt.subplots(figsize=(8, 5.5))
for law in laws:
    t = table[table.law == law]
    ax.loglog(t.params, t.tokens, marker="o", ms=3, label=law)
t = table[table.law == laws[0]]
ax.loglog(t.params, t.rule_of_thumb, "k--", label="20 tokens/param (rule of thumb)")
ax.set_xlabel("model size N (parameters)")
ax.set_ylabel("compute-optimal training tokens D")
ax.set_title("Compute-optimal tokens for N parameters, by scaling law")
ax.legend(fontsize=8)
save(fig, "tokens_for_params.png")'''),
    ("md", "**Take-away.** Epoch's refit and Muennighoff's law stay close to the 20-tokens rule across four "
           "decades (about 16-21 tokens per parameter). Hoffmann's printed fit has beta well below alpha, so its "
           "ratio climbs with size to ~200 tokens per parameter at 1T, one of the inconsistencies Besiroglu et "
           "al. point out; Kaplan et al.'s law asks for far fewer tokens, the gap that made Chinchilla news. "
           "Which law you plan with matters more than the rule of thumb suggests."),
])

notebook("02_fit_your_own_law", [
    ("md", "# Fit your own scaling law\n\nThis notebook fits the Chinchilla form to training runs with "
           "`scaleplan.fit` (Ceres Solver, Hoffmann's Huber estimator) and bootstraps its uncertainty. It uses "
           "Epoch AI's extraction of the Chinchilla points when `../../shared/data/` is present, and otherwise "
           "a synthetic set it generates from a preset law with 1% noise, and says which it used."),
    ("code", SETUP),
    ("code", '''import random, tempfile
data = os.path.abspath("../../shared/data/svg_extracted_data.csv")
workdir = tempfile.mkdtemp()
if os.path.exists(data):
    source, extra = "Epoch AI's extraction of the Chinchilla points", {"max_loss": 3.44}
else:
    # No shared data here: runs from the besiroglu2024 law (scaleplan.loss) with 1% log-normal noise,
    # handed to fit as a list of rows.
    random.seed(0)
    data = [{"params": n, "tokens": d, "loss": scaleplan.loss(params=n, tokens=d)["loss"] * random.lognormvariate(0, 0.01)}
            for n in [1e8, 2e8, 4e8, 8e8, 1.6e9, 3.2e9] for d in [2e9, 5e9, 1.2e10, 3e10, 8e10]]
    source, extra = "a synthetic set from besiroglu2024 with 1% noise", {}
law_file = os.path.join(workdir, "fitted.json")
# report=True: the `fit --json` report (with residuals); the law itself goes to law_file.
fit = scaleplan.fit(data, report=True, **extra, bootstrap=400, seed=1, output=law_file)
print("data:", source)
pd.DataFrame({"estimate": fit["parameters"], "std. error": fit["standard_errors"],
              "95% low": {k: v[0] for k, v in fit["ci95"].items()},
              "95% high": {k: v[1] for k, v in fit["ci95"].items()}}).loc[["E", "A", "B", "alpha", "beta"]]'''),
    ("code", '''res = pd.DataFrame(fit["residuals"])
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, col, label in [(axes[0], "params", "model size N (parameters)"), (axes[1], "tokens", "training tokens D")]:
    ax.scatter(res[col], res.log_residual, s=10, alpha=0.6)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel(label)
axes[0].set_ylabel("log residual (predicted - observed)")
fig.suptitle("Residuals of the fitted law against N and D")
save(fig, "fit_residuals.png")'''),
    ("code", '''reps = pd.DataFrame(json.load(open(law_file))["uncertainty"]["replicates"], columns=["E", "A", "B", "alpha", "beta"])
fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
for ax, k in zip(axes, ["alpha", "beta", "E"]):
    ax.hist(reps[k], bins=30, color="tab:blue", alpha=0.75)
    ax.axvline(fit["parameters"][k], color="k", lw=1, label="point estimate")
    ax.set_xlabel(k)
    ax.set_ylabel("bootstrap replicates")
axes[0].legend(fontsize=8)
fig.suptitle(f"Bootstrap distributions ({len(reps)} resamples)")
save(fig, "fit_bootstrap.png")'''),
    ("code", '''budgets = [10 ** (19 + k / 2) for k in range(14)]
fig, ax = plt.subplots(figsize=(8, 5))
for law, label in [(law_file, "fitted here"), ("hoffmann2022", "Hoffmann et al. 2022"), ("besiroglu2024", "Epoch AI refit")]:
    ratio = [scaleplan.allocate(flops=c, law=law)["tokens_per_param"] for c in budgets]
    ax.semilogx(budgets, ratio, marker="o", ms=3, label=label)
ax.set_xlabel("training compute C (FLOPs)")
ax.set_ylabel("compute-optimal tokens per parameter")
ax.set_title("The fitted law against the published presets")
ax.legend()
save(fig, "fit_vs_presets.png")'''),
    ("md", "**Take-away.** The fit reproduces the published optimum on the Chinchilla points, but the bootstrap "
           "shows how loosely the data pin down B (and with it the tokens-per-parameter ratio at large compute): "
           "plan with the intervals, not only the point estimate."),
    ("md", "## IsoFLOP profiles (Chinchilla's approach 2)\n\nLlama 3, DeepSeek LLM and Porian et al. size their "
           "models differently: at each compute budget they train several sizes, fit the loss as a parabola in "
           "log N, and take its minimum; power laws through the minima give N*(C) and D*(C). "
           "`scaleplan fit --method isoflop` does this. The points here are Llama 3's (Dubey et al. 2024, Fig. 2, "
           "as extracted by eric-czech/llama3_isoflop_extraction), vendored in `tests/data/`: compute and tokens "
           "only, so N = C/(6D)."),
    ("code", '''iso_data = os.path.abspath("../tests/data/isoflops_points.csv")
iso_file = os.path.join(workdir, "llama3-isoflop.json")
iso = sp("fit", iso_data, "--method", "isoflop", "--bootstrap", "400", "--seed", "1", "--output", iso_file)
pts = pd.read_csv(iso_data)
pts["params"] = pts.compute_budget / (6 * pts.training_tokens)
pd.DataFrame({k: {"estimate": v["value"], "95% low": v["ci95"][0], "95% high": v["ci95"][1]}
              for k, v in iso["estimates"].items() if k in ["N_exponent", "N_coef", "D_exponent", "D_coef",
                                                            "E", "A", "alpha"]}).T'''),
    ("code", '''fig, ax = plt.subplots(figsize=(9, 5.5))
colors = plt.cm.viridis(np.linspace(0, 0.9, len(iso["budgets"])))
for b, col in zip(iso["budgets"], colors):
    sel = np.isclose(pts.compute_budget, b["flops"], rtol=1e-6)
    ax.scatter(pts.params[sel], pts.validation_loss[sel], s=10, color=col)
    if not b["used"]:
        continue
    c0, c1, c2 = b["parabola_ln_params"]
    x = np.linspace(np.log(pts.params[sel].min()), np.log(pts.params[sel].max()), 100)
    ax.plot(np.exp(x), c0 + c1 * x + c2 * x * x, color=col, lw=1, label=f"{b['flops']:.0e} FLOPs")
    ax.errorbar(b["params_opt"], b["loss_opt"], color="k", marker="o", ms=4, capsize=3,
                xerr=[[b["params_opt"] - b["params_ci95"][0]], [b["params_ci95"][1] - b["params_opt"]]])
ax.set_xscale("log")
ax.set_xlabel("model size N = C / (6 D) (parameters)")
ax.set_ylabel("validation loss (Llama 3's units)")
ax.set_title("IsoFLOP parabolas and their minima with 95% bootstrap intervals")
ax.legend(fontsize=7, ncol=2)
save(fig, "isoflop_parabolas.png")'''),
    ("code", '''used = [b for b in iso["budgets"] if b["used"]]
c = np.array([b["flops"] for b in used])
grid = np.logspace(np.log10(c.min()), 25, 50)
est = {k: v["value"] for k, v in iso["estimates"].items()}
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
for ax, key, coef, expo, label in [(axes[0], "params", "N_coef", "N_exponent", "N*"),
                                   (axes[1], "tokens", "D_coef", "D_exponent", "D*")]:
    opt = np.array([b[key + "_opt"] for b in used])
    lo = np.array([b[key + "_ci95"][0] for b in used])
    hi = np.array([b[key + "_ci95"][1] for b in used])
    ax.errorbar(c, opt, yerr=[opt - lo, hi - opt], fmt="o", ms=4, capsize=3, label="budget minima (95%)")
    ax.loglog(grid, est[coef] * grid ** est[expo], "k-",
              label=f"{label}(C) = {est[coef]:.3g} C^{est[expo]:.3f}")
    ax.set_xlabel("training compute C (FLOPs)")
    ax.set_ylabel(label + " (" + key + ")")
    ax.legend(fontsize=8)
axes[1].loglog(grid, 0.29 * grid ** 0.53, "r--", lw=1, label="Llama 3 report: 0.29 C^0.53")
axes[1].legend(fontsize=8)
a = sp("allocate", "--flops", 3.8e25, "--law", iso_file)
fig.suptitle(f"Both frontiers; at Llama 3 405B's 3.8e25 FLOPs: {a['params']/1e9:.0f}B params, "
             f"{a['tokens']/1e12:.1f}T tokens")
save(fig, "isoflop_frontiers.png")'''),
    ("md", "**Take-away.** Llama 3's own points give D*(C) = 0.30 C^0.537, against the report's rounded 0.29 "
           "C^0.53, and extrapolated to 3.8e25 FLOPs a model of about 390B parameters on 16T tokens, next to the "
           "405B on 15.6T tokens Meta trained. The rounded constants (red) would give only 10.5T tokens there, "
           "while the report itself predicts 16.55T: the third digit of an exponent is worth 50% over six "
           "decades, which is why the intervals matter. They widen fast beyond the last budget (1e22 FLOPs): three "
           "decades of extrapolation. The law file works with `allocate`, `tokens` and `plan`, which walk its "
           "frontier and carry the bootstrap interval."),
])

notebook("03_iso_loss_and_energy", [
    ("md", "# Iso-loss curves, the compute-optimal path and the energy frontier\n\nWhich (N, D) reach a given "
           "loss, which of them costs the least energy, and how does serving inference move that choice? The "
           "second half asks what each extra bit of loss costs in energy on a few accelerators, against the "
           "EPS tier thresholds."),
    ("code", SETUP),
    ("code", '''import numpy as np
ns = np.logspace(8, 12, 21)
ds = np.logspace(9, 13.5, 21)
loss = np.zeros((len(ds), len(ns)))
flops = np.zeros_like(loss)
for i, d in enumerate(ds):
    for j, n in enumerate(ns):
        r = scaleplan.loss(params=n, tokens=d)
        loss[i, j], flops[i, j] = r["loss"], r["flops"]
path = [scaleplan.allocate(flops=c) for c in np.logspace(19, 26, 15)]
target = 2.1
plain = scaleplan.plan(target_loss=target)
served = scaleplan.plan(target_loss=target, inference_tokens="5T")
fig, ax = plt.subplots(figsize=(8, 6))
cs = ax.contour(ns, ds, loss, levels=[1.95, 2.0, 2.1, 2.2, 2.4, 2.7, 3.0], cmap="viridis")
ax.clabel(cs, fmt="L=%.2f", fontsize=8, inline_spacing=1)
fc = ax.contour(ns, ds, np.log10(flops), levels=range(19, 27), colors="grey", linestyles=":", linewidths=0.8)
ax.clabel(fc, fmt="1e%d FLOPs", fontsize=7)
ax.plot([p["params"] for p in path], [p["tokens"] for p in path], "r-", label="compute-optimal path")
ax.plot(plain["params"], plain["tokens"], "ko", label=f"least energy for L={target}")
ax.plot(served["params"], served["tokens"], "ks", mfc="none", ms=9, label=f"least energy for L={target} + 5T inference tokens")
ax.set_xscale("log"); ax.set_yscale("log")
ax.set_xlabel("model size N (parameters)"); ax.set_ylabel("training tokens D")
ax.set_title("Iso-loss contours (besiroglu2024) with iso-FLOP lines")
ax.legend(fontsize=8, loc="lower left")
save(fig, "iso_loss.png")'''),
    ("code", '''tiers = scaleplan.tier(kwh=1, co2_kg=1)["thresholds"]
targets = np.linspace(1.95, 2.6, 14)
fig, ax = plt.subplots(figsize=(8, 5))
for hw in ["h100-sxm5-80gb", "a100-sxm4-80gb", "mi300x", "l40s"]:
    energy = [scaleplan.plan(target_loss=t, hardware=hw)["energy_kwh"] for t in targets]
    ax.semilogy(targets, energy, marker="o", ms=3, label=hw)
high = tiers["high"]["energy_kwh_above"]
bottom, top = ax.get_ylim()
ax.axhspan(high, top, color="tab:red", alpha=0.08, label="EPS High: energy > 1,500 kWh (and CO2eq > 500 kg)")
ax.axhspan(bottom, high, color="tab:orange", alpha=0.06, label="Intermediate (Low is below 0.1 kWh)")
ax.set_ylim(bottom, top)
ax.set_xlabel("target loss (nats/token)")
ax.set_ylabel("least training energy (kWh, facility)")
ax.set_title("Energy frontier: what each step of loss costs, by accelerator")
ax.legend(fontsize=8)
save(fig, "energy_frontier.png")'''),
    ("md", "**Take-away.** Energy grows roughly tenfold for every 0.1 nats as targets approach the law's floor, "
           "and almost every plan for a model worth serving lands in the EPS High tier. Serving many tokens moves "
           "the least-energy plan to a smaller model trained longer; the choice of accelerator shifts the whole "
           "frontier by tens of percent."),
])

notebook("04_finetune_budgets", [
    ("md", "# Fine-tuning budgets: full, LoRA and QLoRA\n\nHow many GPUs, how much memory, energy and CO2 does "
           "fine-tuning a 7B, 13B or 70B model on 100M tokens take with each method? All runs use A100-80GB, "
           "AdamW, micro-batch 4 at 2,048 tokens with activation recomputation."),
    ("code", SETUP),
    ("code", '''rows = []
for model in ["llama-2-7b", "llama-2-13b", "llama-2-70b"]:
    r = scaleplan.finetune(model=model, tokens="100M", hardware="a100-sxm4-80gb", recompute=True)
    for m in r["methods"]:
        rows.append({"model": model, **{k: m[k] for k in ["method", "fits", "gpus", "memory_gb_per_gpu", "gpu_hours", "energy_kwh", "co2_kg", "eps_tier"]}})
ft = pd.DataFrame(rows)
ft.round(1)'''),
    ("code", '''colors = {"Low": "tab:green", "Intermediate": "tab:orange", "High": "tab:red"}
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
models = ft.model.unique()
methods = ["full", "lora", "qlora"]
width = 0.25
for k, method in enumerate(methods):
    sub = ft[ft.method == method].set_index("model").loc[models]
    x = np.arange(len(models)) + (k - 1) * width
    axes[0].bar(x, sub.gpus, width, label=method)
    axes[1].bar(x, sub.memory_gb_per_gpu, width, label=method)
    axes[2].bar(x, sub.energy_kwh, width, color=[colors[t] for t in sub.eps_tier], edgecolor="k", hatch=["", "//", ".."][k], label=method)
for ax, title, unit in [(axes[0], "GPUs needed", "A100-80GB GPUs"), (axes[1], "memory per GPU", "GB"), (axes[2], "energy (colour = EPS tier)", "kWh")]:
    ax.set_xticks(np.arange(len(models))); ax.set_xticklabels(models)
    ax.set_title(title); ax.set_ylabel(unit); ax.legend(fontsize=8)
axes[1].axhline(80, color="k", lw=0.8, ls="--")
fig.suptitle("Full fine-tuning vs LoRA vs QLoRA on 100M tokens")
save(fig, "finetune_budgets.png")'''),
    ("code", '''import numpy as np
fig, ax = plt.subplots(figsize=(7, 4))
for k, method in enumerate(methods):
    sub = ft[ft.method == method].set_index("model").loc[models]
    ax.bar(np.arange(len(models)) + (k - 1) * width, sub.co2_kg, width, label=method)
ax.set_xticks(np.arange(len(models))); ax.set_xticklabels(models)
ax.set_ylabel("kg CO2eq (world-average grid)")
ax.set_title("Fine-tuning CO2eq by method")
ax.legend()
save(fig, "finetune_co2.png")'''),
    ("md", "**Take-away.** LoRA cuts the FLOPs, and so the energy, by about a quarter to a third, and the GPU "
           "count by far more. QLoRA fits even 70B on a single GPU, but it costs *more* energy per token than "
           "LoRA because of dequantisation: choose it for memory, not for the planet."),
])

notebook("05_hardware_and_regions", [
    ("md", "# One run across accelerators and grid regions\n\nThe same training run (7B parameters, compute-optimal "
           "tokens) is forecast on every accelerator the database can price, then on one accelerator across grid "
           "regions, splitting CO2eq into operational and embodied."),
    ("code", SETUP),
    ("code", '''run = scaleplan.tokens(params="7B")
rows = []
for hw in scaleplan.hardware("list")["accelerators"]:
    try:
        f = scaleplan.forecast(params=run["params"], tokens=run["tokens"], hardware=hw["id"])
    except ValueError as e:  # an accelerator the database cannot price says so
        print("skipped", hw["id"], "-", e)
        continue
    rows.append({"hardware": hw["id"], "energy_kwh": f["energy_kwh"], "operational": f["co2_operational_kg"],
                 "embodied": f["co2_embodied_kg"], "gpu_hours": f["gpu_hours"], "eps_tier": f["eps_tier"]})
hwdf = pd.DataFrame(rows).sort_values("energy_kwh")
fig, axes = plt.subplots(1, 2, figsize=(14, 5))
axes[0].barh(hwdf.hardware, hwdf.energy_kwh / 1000, color="tab:blue")
axes[0].set_xlabel("energy (MWh, facility accounting, PUE 1.58)")
axes[0].set_title("Energy of the same 7B run by accelerator")
axes[1].barh(hwdf.hardware, hwdf.operational / 1000, label="operational")
axes[1].barh(hwdf.hardware, hwdf.embodied / 1000, left=hwdf.operational / 1000, label="embodied")
axes[1].set_xlabel("t CO2eq (world-average grid)")
axes[1].set_title("CO2eq: operational and embodied")
axes[1].legend()
save(fig, "hardware_comparison.png")'''),
    ("code", '''regions = ["SE", "FR", "gcp:europe-west1", "CA", "US", "DE", "aws:us-east-1", "azure:westeurope", "JP", "PL", "CN", "IN", "world"]
rows = []
for region in regions:
    f = scaleplan.forecast(params=run["params"], tokens=run["tokens"], hardware="h100-sxm5-80gb", region=region)
    rows.append({"region": region, "grid_g_per_kwh": f["grid_gco2_per_kwh"], "pue": f["pue"],
                 "operational": f["co2_operational_kg"], "embodied": f["co2_embodied_kg"]})
rg = pd.DataFrame(rows).sort_values("operational")
fig, ax = plt.subplots(figsize=(9, 5))
ax.barh(rg.region, rg.operational / 1000, label="operational")
ax.barh(rg.region, rg.embodied / 1000, left=rg.operational / 1000, label="embodied")
ax.set_xlabel("t CO2eq for the 7B run on H100")
ax.set_title("Where the run happens: CO2eq by grid region (old data flagged in `scaleplan regions`)")
ax.legend()
save(fig, "regions_comparison.png")
rg.round(1)'''),
    ("md", "**Take-away.** Between accelerators energy varies by a factor of ten, but between grids the "
           "carbon of the same energy varies by more than that: a clean grid matters more than the chip. "
           "Embodied carbon is a few percent of the total on an average grid and becomes the larger share on the "
           "cleanest ones."),
])
print("notebooks written")
