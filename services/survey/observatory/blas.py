"""NumPy and SciPy, with their linear algebra on one thread.

The observatory's matrices are small (a few hundred rows): a multi-threaded BLAS only makes
each call wait for its threads to wake (8 ms for a 30 × 30 triangular solve on two busy cores,
against 0.1 ms on one thread), so linear algebra in this process runs on one thread. NumPy
and SciPy each load their own BLAS: both are imported first, so that both are limited. Every
observatory module that computes with NumPy imports this one.
"""

from __future__ import annotations

import numpy  # noqa: F401 - loads NumPy's BLAS, limited below
import scipy.linalg  # noqa: F401 - loads SciPy's BLAS, limited below
from threadpoolctl import threadpool_limits

threadpool_limits(limits=1, user_api="blas")
