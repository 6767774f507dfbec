# The extension under the `scaleplan` package; use the package's functions.
from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str

def call(command: str, options: dict[str, Any], positional: list[str] = ...) -> Any: ...
def loss_array(
    params: npt.NDArray[np.float64],
    tokens: npt.NDArray[np.float64],
    law: str = "",
    unique_tokens: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]: ...
def parse_quantity(text: str, field: str) -> float: ...
def usage(command: str) -> str: ...
