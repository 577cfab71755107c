"""The observatory: public, weighted and disclosure-controlled results of a campaign."""

import numpy  # noqa: F401 - loads NumPy's BLAS, limited below
import scipy.linalg  # noqa: F401 - loads SciPy's BLAS, limited below
from threadpoolctl import threadpool_limits

# The observatory's matrices are small (a few hundred rows): a multi-threaded BLAS only makes
# each call wait for its threads to wake (8 ms for a 30 × 30 triangular solve on two busy cores,
# against 0.1 ms on one thread), so linear algebra in this process runs on one thread. NumPy
# and SciPy each load their own BLAS: both are imported first, so that both are limited.
threadpool_limits(limits=1, user_api="blas")
