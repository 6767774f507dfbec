# Type stubs of the scaleplan package: the options each command takes on
# the command line, as keyword arguments. Every function also accepts the
# options added since (**options), and returns the --json document.
import os
from typing import Any, Literal, Mapping, Sequence, overload

import numpy as np
import numpy.typing as npt

__version__: str

# A human number: 7e9, "7B", "1.4T", "5.76e23", "1_000_000".
Quantity = float | int | str
# A preset name, a law JSON file, or a law document (what fit() returns).
LawSpec = str | os.PathLike[str] | Mapping[str, Any]
# A --hardware-db file, or its document.
HardwareDb = str | os.PathLike[str] | Mapping[str, Any]
Document = dict[str, Any]
ArrayLike = npt.ArrayLike

def call(command: str, *positional: str, **options: Any) -> Any: ...
def tokens(
    *,
    params: Quantity,
    target_loss: float | None = None,
    law: LawSpec | None = None,
    hardware: str | None = None,
    gpus: int | None = None,
    mfu: float | None = None,
    gpu_hours: float | None = None,
    power_w: float | None = None,
    region: str | None = None,
    carbon_intensity: float | None = None,
    pue: float | None = None,
    accounting: Literal["tdp", "facility"] | None = None,
    tier_scope: Literal["total", "operational"] | None = None,
    hardware_db: HardwareDb | None = None,
    **options: Any,
) -> Document: ...
@overload
def loss(
    *,
    params: Quantity,
    tokens: Quantity,
    unique_tokens: Quantity | None = None,
    law: LawSpec | None = None,
    **options: Any,
) -> Document: ...
@overload
def loss(
    *,
    params: ArrayLike,
    tokens: ArrayLike,
    unique_tokens: ArrayLike | None = None,
    law: LawSpec | None = None,
) -> npt.NDArray[np.float64]: ...
def allocate(
    *,
    flops: Quantity,
    unique_tokens: Quantity | None = None,
    law: LawSpec | None = None,
    hardware: str | None = None,
    gpus: int | None = None,
    mfu: float | None = None,
    region: str | None = None,
    carbon_intensity: float | None = None,
    pue: float | None = None,
    accounting: Literal["tdp", "facility"] | None = None,
    hardware_db: HardwareDb | None = None,
    **options: Any,
) -> Document: ...
def laws(**options: Any) -> Document: ...
def fit(
    runs: str | os.PathLike[str] | Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]] | Any,
    *,
    report: bool = False,
    output: str | os.PathLike[str] | None = None,
    estimator: Literal["huber", "huber-mle"] | None = None,
    huber_delta: float | None = None,
    bootstrap: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    max_loss: Quantity | None = None,
    min_params: Quantity | None = None,
    columns: str | Mapping[str, str] | None = None,
    full_grid: bool = False,
    **options: Any,
) -> Document: ...
def forecast(
    *,
    params: Quantity | None = None,
    tokens: Quantity | None = None,
    flops: Quantity | None = None,
    hardware: str,
    gpus: int | None = None,
    mfu: float | None = None,
    gpu_hours: float | None = None,
    power_w: float | None = None,
    region: str | None = None,
    carbon_intensity: float | None = None,
    pue: float | None = None,
    accounting: Literal["tdp", "facility"] | None = None,
    tier_scope: Literal["total", "operational"] | None = None,
    offset_price: float | None = None,
    hardware_db: HardwareDb | None = None,
    **options: Any,
) -> Document: ...
def plan(
    *,
    target_loss: float | None = None,
    target_params: Quantity | None = None,
    budget_kwh: float | None = None,
    budget_co2_kg: float | None = None,
    budget_flops: Quantity | None = None,
    law: LawSpec | None = None,
    hardware: str | Sequence[str] | None = None,
    gpus: int | None = None,
    deadline_days: float | None = None,
    region: str | None = None,
    carbon_intensity: float | None = None,
    pue: float | None = None,
    max_params: Quantity | None = None,
    unique_tokens: Quantity | None = None,
    inference_tokens: Quantity | None = None,
    inference_hardware: str | None = None,
    experiment_overhead: float | None = None,
    minimize: Literal["energy", "co2"] | None = None,
    offset_price: float | None = None,
    hardware_db: HardwareDb | None = None,
    **options: Any,
) -> Document: ...
def finetune(
    *,
    hardware: str,
    tokens: Quantity | None = None,
    examples: Quantity | None = None,
    epochs: int | None = None,
    mean_length: Quantity | None = None,
    packing: bool = False,
    model: str | None = None,
    params: Quantity | None = None,
    config: str | os.PathLike[str] | None = None,
    methods: str | Sequence[str] | None = None,
    optimizer: str | None = None,
    lora_rank: int | None = None,
    lora_targets: Literal["all-linear", "attention", "qv"] | None = None,
    seq_len: int | None = None,
    global_batch: int | None = None,
    micro_batch: int | None = None,
    recompute: bool = False,
    gpus: int | None = None,
    deadline_hours: float | None = None,
    deadline_days: float | None = None,
    mfu: float | None = None,
    region: str | None = None,
    carbon_intensity: float | None = None,
    pue: float | None = None,
    offset_price: float | None = None,
    hardware_db: HardwareDb | None = None,
    **options: Any,
) -> Document: ...
def calibrate(
    emissions: str | os.PathLike[str],
    *,
    params: Quantity,
    tokens: Quantity,
    hardware: str,
    run_id: str | None = None,
    plan: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    output: str | os.PathLike[str] | None = None,
    hardware_db: HardwareDb | None = None,
    **options: Any,
) -> Document: ...
def hardware(
    action: Literal["list", "show"] = "list",
    id: str | None = None,
    *,
    hardware_db: HardwareDb | None = None,
    **options: Any,
) -> Document: ...
def regions(*, search: str | None = None, hardware_db: HardwareDb | None = None, **options: Any) -> Document: ...
def tier(*, kwh: float, co2_kg: float, **options: Any) -> Document: ...
def models(*, hardware_db: HardwareDb | None = None, **options: Any) -> Document: ...
def validate(runs: Any = None, *, cases: bool = False, hardware_db: HardwareDb | None = None,
             **options: Any) -> Document: ...
