"""Inter-coder agreement coefficients on a reliability matrix.

A reliability matrix has one row per coder and one column per unit; a cell is
the value the coder gave the unit, or ``None`` when the coder did not code it.
Everything here is plain numpy/scipy (no Qt, no database).

Coefficients (all on the units coded by two or more coders unless stated):

* Krippendorff's alpha at the nominal, ordinal, interval or ratio level is
  computed with the ``krippendorff`` package when its (units x values x values)
  working array fits in memory, else with this module's own coincidence-matrix
  code, which implements the same formulas (tests check they agree).  At the
  ``set`` level (multi-value fields) values are sets and the distance is MASI
  (Passonneau 2006: 1 - Jaccard x monotonicity, monotonicity 1 / 2/3 / 1/3 / 0
  for identical / subset / overlapping / disjoint sets) or, on request, the
  Jaccard distance; alpha is then computed by this module.
* Percent agreement: Fleiss' P-bar, the mean over units of the share of
  agreeing coder pairs (exact equality of values, sets compared as sets).
* Cohen's kappa and Scott's pi: exactly two coders, on the units both coded.
* Fleiss' kappa in Gwet's generalisation for missing ratings and Gwet's AC1
  (Gwet 2014, as in irrCAC): observed agreement over units with two or more
  ratings, chance agreement from the category shares of every unit with at
  least one rating.
* A bootstrap 95% interval for alpha: units are resampled with replacement
  (seeded), alpha recomputed, the 2.5 and 97.5 percentiles reported.

Kappa-type coefficients and percent agreement treat values as categories
whatever the level.  A coefficient that does not apply or is undefined (for
instance every coder gave the same single value, so expected disagreement is
0 and alpha is 0/0) is ``None`` and the reason is added to ``notes``.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

LEVELS = ("nominal", "ordinal", "interval", "ratio", "set")
SET_DISTANCES = ("masi", "jaccard")
DEFAULT_BOOTSTRAP = 1000
DEFAULT_SEED = 20240124
# largest units*values*values array (float64, 32 MB) we let the krippendorff package allocate;
# beyond it the same formulas run on the coincidence matrix here (tests check both agree)
_PACKAGE_CELL_LIMIT = 4_000_000


class ReliabilityError(ValueError):
    """Reliability data that cannot be used (e.g. text at the interval level)."""


# --------------------------------------------------------------------------- values

def is_missing(value: Any) -> bool:
    """None, NaN and blank strings are missing (the coder gave no value)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return False


def masi_distance(a: frozenset, b: frozenset) -> float:
    """MASI distance between two sets (0 for two empty sets)."""
    if a == b:
        return 0.0
    union = len(a | b)
    inter = len(a & b)
    if inter == 0:
        return 1.0
    monotonicity = 2 / 3 if (a <= b or b <= a) else 1 / 3
    return 1.0 - (inter / union) * monotonicity


def jaccard_distance(a: frozenset, b: frozenset) -> float:
    """1 - |a & b| / |a | b| (0 for two empty sets)."""
    if a == b:
        return 0.0
    return 1.0 - len(a & b) / len(a | b)


def _nominal_key(v: Any):
    if isinstance(v, bool):
        return (0, float(v), "")
    if isinstance(v, (int, float, np.integer, np.floating)):
        return (0, float(v), "")
    return (1, 0.0, str(v))


def _as_number(v: Any, where: str) -> float:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            pass
    raise ReliabilityError(f"{where} {v!r} is not a number")


def _as_set(v: Any) -> frozenset:
    if isinstance(v, (set, frozenset)):
        return frozenset(v)
    if isinstance(v, str):
        return frozenset(p.strip() for p in v.split(";") if p.strip())
    if isinstance(v, Iterable):
        return frozenset(v)
    return frozenset([v])


def _normalise_nominal(v: Any):
    """1 and 1.0 and '1' are the same category; other strings are kept as written."""
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return int(f) if f.is_integer() else f
    if isinstance(v, str):
        s = v.strip()
        try:
            f = float(s)
        except ValueError:
            return s
        if math.isfinite(f):
            return int(f) if f.is_integer() else f
        return s
    return v


# --------------------------------------------------------------------------- encoding

@dataclass
class Coded:
    """A reliability matrix encoded as integer codes (-1 = missing)."""

    codes: np.ndarray          # (coders, units) int64
    domain: list[Any]          # code -> value (sorted for ordered levels)
    level: str
    numeric: np.ndarray | None = None   # code -> number, for interval/ratio/ordinal

    @property
    def n_coders(self) -> int:
        return self.codes.shape[0]

    @property
    def n_units(self) -> int:
        return self.codes.shape[1]


def encode(matrix: Sequence[Sequence[Any]], level: str, coder_labels: Sequence[str] | None = None,
           unit_labels: Sequence[str] | None = None) -> Coded:
    """Encode coders x units values; raises ReliabilityError on unusable values."""
    def where(ci: int, ui: int) -> str:
        c = coder_labels[ci] if coder_labels is not None else ci + 1
        u = unit_labels[ui] if unit_labels is not None else ui + 1
        return f"coder {c}, unit {u}"

    if level not in LEVELS:
        raise ReliabilityError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    rows = [list(r) for r in matrix]
    n_units = max((len(r) for r in rows), default=0)
    for r in rows:
        r.extend([None] * (n_units - len(r)))
    values: list[list[Any]] = []
    for ci, r in enumerate(rows):
        out = []
        for ui, v in enumerate(r):
            if is_missing(v):
                out.append(None)
            elif level == "nominal":
                out.append(_normalise_nominal(v))
            elif level == "set":
                out.append(_as_set(v))
            else:
                x = _as_number(v, f"{where(ci, ui)}: the {level} level needs numbers, but")
                if not math.isfinite(x):
                    raise ReliabilityError(f"{where(ci, ui)}: {v!r} is not a finite number")
                if level == "ratio" and x < 0:
                    raise ReliabilityError(f"{where(ci, ui)}: {v!r} is negative, which the ratio level does not allow")
                out.append(x)
        values.append(out)
    distinct = {v for r in values for v in r if v is not None}
    if level == "nominal":
        domain = sorted(distinct, key=_nominal_key)
    elif level == "set":
        domain = sorted(distinct, key=lambda s: (len(s), sorted(map(str, s))))
    else:
        domain = sorted(distinct)
    index = {v: i for i, v in enumerate(domain)}
    codes = np.full((len(rows), n_units), -1, dtype=np.int64)
    for ci, r in enumerate(values):
        for ui, v in enumerate(r):
            if v is not None:
                codes[ci, ui] = index[v]
    numeric = np.asarray(domain, dtype=float) if level in ("ordinal", "interval", "ratio") else None
    return Coded(codes, domain, level, numeric)


def coded_from_codes(codes: np.ndarray, domain: list[Any], level: str) -> Coded:
    """Wrap already-encoded codes (used by the project code for speed)."""
    numeric = np.asarray(domain, dtype=float) if level in ("ordinal", "interval", "ratio") else None
    return Coded(np.asarray(codes, dtype=np.int64), list(domain), level, numeric)


# --------------------------------------------------------------------------- distances

def distance_matrix(coded: Coded, n_v: np.ndarray | None = None, set_distance: str = "masi") -> np.ndarray:
    """delta[c, k] between the domain values (ordinal needs the value counts n_v)."""
    V = len(coded.domain)
    lvl = coded.level
    if lvl == "nominal":
        return 1.0 - np.eye(V)
    if lvl == "interval":
        x = coded.numeric
        return (x[:, None] - x[None, :]) ** 2
    if lvl == "ratio":
        x = coded.numeric
        s = x[:, None] + x[None, :]
        d = np.divide(x[:, None] - x[None, :], s, out=np.zeros((V, V)), where=s != 0)
        return d ** 2
    if lvl == "ordinal":
        return _ordinal_delta(np.asarray(n_v, dtype=float)[None, :])[0]
    if lvl == "set":
        fn = masi_distance if set_distance == "masi" else jaccard_distance
        dom = coded.domain
        d = np.zeros((V, V))
        for i in range(V):
            for j in range(i + 1, V):
                d[i, j] = d[j, i] = fn(dom[i], dom[j])
        return d
    raise ReliabilityError(f"unknown level {lvl!r}")


def _ordinal_delta(n_v: np.ndarray) -> np.ndarray:
    """Krippendorff's ordinal metric for a batch of value counts (B, V) -> (B, V, V)."""
    cum = np.concatenate([np.zeros((n_v.shape[0], 1)), np.cumsum(n_v, axis=1)], axis=1)
    V = n_v.shape[1]
    i = np.arange(V)
    lo = np.minimum(i[:, None], i[None, :])
    hi = np.maximum(i[:, None], i[None, :])
    between = cum[:, hi + 1] - cum[:, lo]
    return (between - (n_v[:, lo] + n_v[:, hi]) / 2.0) ** 2


# --------------------------------------------------------------------------- alpha core

@dataclass
class _Pairable:
    """Per-unit ingredients of alpha on the pairable units (>= 2 values)."""

    units: np.ndarray        # indices of pairable units in the matrix
    m: np.ndarray            # values per pairable unit
    pair_a: np.ndarray       # codes of ordered value pairs (a != b coders)
    pair_b: np.ndarray
    pair_unit: np.ndarray    # position (0..len(units)-1) of the pair's unit
    pair_w: np.ndarray       # 1 / (m_u - 1)
    val_code: np.ndarray     # codes of the pairable values
    val_unit: np.ndarray     # position of each value's unit


def _pairable(coded: Coded) -> _Pairable:
    codes = coded.codes
    present = codes >= 0
    m_all = present.sum(axis=0)
    units = np.flatnonzero(m_all >= 2)
    sub = codes[:, units]
    m = m_all[units]
    pos = np.arange(len(units))
    pa, pb, pu = [], [], []
    C = sub.shape[0]
    for a in range(C):
        ca = sub[a]
        has_a = ca >= 0
        for b in range(C):
            if a == b:
                continue
            both = has_a & (sub[b] >= 0)
            pa.append(ca[both])
            pb.append(sub[b][both])
            pu.append(pos[both])
    cat = (lambda xs: np.concatenate(xs) if xs else np.zeros(0, dtype=np.int64))
    pair_a, pair_b, pair_unit = cat(pa), cat(pb), cat(pu)
    pair_w = 1.0 / (m[pair_unit] - 1.0) if len(pair_unit) else np.zeros(0)
    vmask = sub >= 0
    val_code = sub[vmask]
    val_unit = np.broadcast_to(pos[None, :], sub.shape)[vmask]
    return _Pairable(units, m, pair_a, pair_b, pair_unit, pair_w, val_code, val_unit)


def _alpha_from(d_total: float, n_v: np.ndarray, delta: np.ndarray) -> tuple[float | None, float, float]:
    """alpha, D_o, D_e from summed observed disagreement and value counts."""
    n = float(n_v.sum())
    if n < 2:
        return None, math.nan, math.nan
    expected = float(n_v @ delta @ n_v)
    d_o = d_total / n
    d_e = expected / (n * (n - 1))
    if d_e <= 1e-15:
        return None, d_o, d_e
    return 1.0 - d_o / d_e, d_o, d_e


def _package_alpha(p: _Pairable, coded: Coded, V: int, set_distance: str) -> float | None:
    """alpha through the krippendorff package (None when its work array is too big)."""
    n_units = len(p.units)
    if coded.level == "set" or n_units * V * V > _PACKAGE_CELL_LIMIT:
        return None
    import krippendorff

    counts = np.zeros((n_units, V), dtype=np.int64)
    np.add.at(counts, (p.val_unit, p.val_code), 1)
    domain = coded.numeric if coded.level in ("interval", "ratio") else np.arange(V)
    try:
        value = float(krippendorff.alpha(value_counts=counts, value_domain=domain,
                                         level_of_measurement=coded.level))
    except (ValueError, ZeroDivisionError, FloatingPointError):
        return None  # the same formulas below give the answer
    return value if math.isfinite(value) else None


def _patterns(coded: Coded, p: _Pairable):
    """Distinct value patterns among the pairable units: (patterns C x P, units per pattern).

    Alpha depends on a unit only through the values it got, not on which coder
    gave which, so each unit's codes are sorted first: fewer, larger patterns.
    """
    sub = np.sort(coded.codes[:, p.units], axis=0)
    if sub.shape[1] == 0:
        return sub, np.zeros(0, dtype=np.int64)
    base = len(coded.domain) + 1
    C = sub.shape[0]
    if C * math.log2(base) < 62:
        weights = base ** np.arange(C, dtype=np.int64)
        keys = (sub + 1).T @ weights
        uniq, first, counts = np.unique(keys, return_index=True, return_counts=True)
        return sub[:, first], counts
    patterns, counts = np.unique(sub, axis=1, return_counts=True)
    return patterns, counts


_BLAS_CALLS: list | None = None


def _blas_calls() -> list:
    """(set, get) thread-count functions of the OpenBLAS that numpy's wheel bundles ([] when not found)."""
    global _BLAS_CALLS
    if _BLAS_CALLS is None:
        _BLAS_CALLS = []
        try:
            import ctypes
            import glob
            import os

            for path in glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "*openblas*")):
                lib = ctypes.CDLL(path)
                for stem in ("scipy_openblas_%s_num_threads64_", "openblas_%s_num_threads64_",
                             "openblas_%s_num_threads"):
                    set_, get = getattr(lib, stem % "set", None), getattr(lib, stem % "get", None)
                    if set_ is not None and get is not None:
                        _BLAS_CALLS.append((set_, get))
                        break
        except (OSError, AttributeError):  # another numpy build: leave it alone
            _BLAS_CALLS = []
    return _BLAS_CALLS


@contextmanager
def single_blas_thread():
    """numpy's OpenBLAS on one thread for the block (best effort; restored after).

    The matrices here are small: a second BLAS thread saves no time, but its
    busy waiting between calls takes a CPU that another process (the export's
    helper writing rows) needs.
    """
    calls = _blas_calls()
    before = []
    try:
        for set_, get in calls:
            before.append((set_, int(get())))
            set_(1)
    except Exception:  # noqa: BLE001 - never fail a computation over a thread count
        pass
    try:
        yield
    finally:
        for set_, n in before:
            try:
                set_(max(1, n))
            except Exception:  # noqa: BLE001
                pass


BOOT_CHUNK_CELLS = 2_000_000   # bootstrap weights held at once (resamples x patterns): 16 MB of float64


def pattern_weight_chunks(counts: np.ndarray, n_boot: int, seed: int,
                          max_cells: int = BOOT_CHUNK_CELLS) -> Iterator[np.ndarray]:
    """Bootstrap weights per pattern (n_boot x P), in chunks of resamples (bounded memory).

    Drawing the N pairable units with replacement and counting how many
    units of each pattern were drawn is a Multinomial(N, counts / N) draw, so
    we sample that directly: the same distribution as resampling units, at a
    cost that depends on the number of distinct patterns, not of units.  When
    most units have a pattern of their own (P > N / 8: many values, little
    agreement) drawing the units themselves is cheaper, and that is done.
    The chunks come from one random stream: the weights do not depend on
    ``max_cells``.
    """
    rng = np.random.default_rng(seed)
    counts = np.asarray(counts, dtype=np.int64)
    n = int(counts.sum())
    P = len(counts)
    step = max(1, max_cells // max(P, 1))
    draw_units = P * 8 > n
    # int32 where it fits: drawing, gathering and counting 32-bit indices is three times faster
    itype = np.int32 if step * P < 2 ** 31 and n < 2 ** 31 else np.int64
    pattern_of_unit = np.repeat(np.arange(P, dtype=itype), counts) if draw_units else None
    for start in range(0, n_boot, step):
        k = min(step, n_boot - start)
        if draw_units:
            idx = pattern_of_unit[rng.integers(0, n, size=(k, n), dtype=itype)]
            idx += (np.arange(k, dtype=itype) * P)[:, None]
            yield np.bincount(idx.ravel(), minlength=k * P).reshape(k, P).astype(np.float64)
            del idx
        else:
            yield rng.multinomial(n, counts / n, size=k).astype(np.float64)


def pattern_weights(counts: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Every bootstrap weight row at once (n_boot x P); see ``pattern_weight_chunks``."""
    chunks = list(pattern_weight_chunks(counts, n_boot, seed))
    return np.vstack(chunks) if chunks else np.zeros((0, len(counts)))


def _bootstrap_chunks(coded: Coded, patterns: np.ndarray, counts: np.ndarray, n_boot: int, seed: int,
                      delta: np.ndarray) -> np.ndarray:
    """alpha for ``n_boot`` resamples, computed chunk by chunk (see ``pattern_weight_chunks``)."""
    run = _bootstrapper(coded, patterns, delta)
    cells = BOOT_CHUNK_CELLS * max(1, len(counts)) // (max(1, len(counts)) + run.width)
    out = [run(w) for w in pattern_weight_chunks(counts, n_boot, seed, max(1, cells))]
    return np.concatenate(out) if out else np.zeros(0)


def _bootstrap_alpha(coded: Coded, patterns: np.ndarray, weights: np.ndarray, delta: np.ndarray,
                     set_distance: str = "masi") -> np.ndarray:
    """alpha for every row of ``weights`` (NaN where undefined); units = ``patterns`` columns."""
    return _bootstrapper(coded, patterns, delta)(weights)


def _bootstrapper(coded: Coded, patterns: np.ndarray, delta: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """A function: weights (B x P) -> alpha per row; the per-pattern parts are computed once.

    The per-pattern value counts and pair sums are sparse (a pattern holds a
    few values), so they are multiplied as sparse matrices: the cost grows with
    resamples x patterns, not x patterns x values.
    """
    from scipy import sparse

    V = len(coded.domain)
    pc = Coded(patterns, coded.domain, coded.level, coded.numeric)
    pp = _pairable(pc)               # every pattern column is pairable
    P = patterns.shape[1]
    # (V x P): value counts of each pattern, transposed so that counts_t @ weights.T gives (V x B)
    counts_t = sparse.csr_matrix((np.ones(len(pp.val_code)), (pp.val_code, pp.val_unit)), shape=(V, P))

    def value_counts(weights: np.ndarray) -> np.ndarray:
        return np.asarray(counts_t @ weights.T).T                          # (B, V)

    if coded.level == "ordinal":
        pairs_t = sparse.csr_matrix((pp.pair_w, (pp.pair_a * V + pp.pair_b, pp.pair_unit)), shape=(V * V, P))

        def run(weights: np.ndarray) -> np.ndarray:
            n_b = value_counts(weights)
            o_b = np.asarray(pairs_t @ weights.T).T                        # (B, V*V)
            delta_b = _ordinal_delta(n_b)                                  # (B, V, V)
            d_tot = (o_b * delta_b.reshape(len(weights), V * V)).sum(axis=1)
            expected = np.einsum("bv,bvw,bw->b", n_b, delta_b, n_b)
            return _alpha_batch(d_tot, n_b.sum(axis=1), expected)
    else:
        d_p = np.bincount(pp.pair_unit, weights=pp.pair_w * delta[pp.pair_a, pp.pair_b], minlength=P)

        def run(weights: np.ndarray) -> np.ndarray:
            n_b = value_counts(weights)
            d_tot = weights @ d_p
            expected = ((n_b @ delta) * n_b).sum(axis=1)
            return _alpha_batch(d_tot, n_b.sum(axis=1), expected)
    run.width = V * V if coded.level == "ordinal" else V   # cells per resample besides the weights
    return run


def _alpha_batch(d_tot: np.ndarray, n: np.ndarray, expected: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        a = 1.0 - (n - 1.0) * d_tot / expected
    a[(expected <= 1e-12) | (n < 2)] = np.nan
    return a


# --------------------------------------------------------------------------- result

@dataclass
class Reliability:
    """All coefficients for one reliability matrix (None = undefined, see notes)."""

    level: str
    n_coders: int
    n_units: int                 # units with values from >= 2 coders (pairable)
    n_units_total: int
    n_values: int                # pairable values
    krippendorff_alpha: float | None = None
    alpha_ci95: list[float] | None = None
    percent_agreement: float | None = None
    cohen_kappa: float | None = None
    scott_pi: float | None = None
    fleiss_kappa: float | None = None
    gwet_ac1: float | None = None
    observed_disagreement: float | None = None
    expected_disagreement: float | None = None
    alpha_engine: str | None = None
    set_distance: str | None = None
    notes: list[str] = field(default_factory=list)
    pairs: list[dict[str, Any]] | None = None   # per pair of coders, when there are three or more

    def to_dict(self) -> dict[str, Any]:
        """The ``annotator reliability --json`` object (plus a few extra keys)."""
        return {
            "n_units": self.n_units, "n_coders": self.n_coders, "level": self.level,
            "krippendorff_alpha": self.krippendorff_alpha, "percent_agreement": self.percent_agreement,
            "cohen_kappa": self.cohen_kappa, "scott_pi": self.scott_pi, "fleiss_kappa": self.fleiss_kappa,
            "gwet_ac1": self.gwet_ac1, "alpha_ci95": self.alpha_ci95, "notes": list(self.notes),
            "n_units_total": self.n_units_total, "n_values": self.n_values,
            "observed_disagreement": self.observed_disagreement,
            "expected_disagreement": self.expected_disagreement,
            "alpha_engine": self.alpha_engine, "set_distance": self.set_distance,
            **({"pairs": self.pairs} if self.pairs is not None else {}),
        }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _fmt_units(idx: np.ndarray, labels: Sequence[str] | None, limit: int = 8) -> str:
    names = [str(labels[i]) if labels is not None else str(int(i) + 1) for i in idx[:limit]]
    more = f" and {len(idx) - limit} more" if len(idx) > limit else ""
    return ", ".join(names) + more


def reliability(matrix: Sequence[Sequence[Any]] | Coded, level: str = "nominal", *,
                unit_labels: Sequence[str] | None = None, coder_labels: Sequence[str] | None = None,
                n_boot: int = DEFAULT_BOOTSTRAP, seed: int = DEFAULT_SEED, set_distance: str = "masi",
                use_package: bool = True, pairs: bool = True) -> Reliability:
    """Every coefficient for a coders x units matrix (``None`` cells = missing)."""
    if set_distance not in SET_DISTANCES:
        raise ReliabilityError(f"unknown set distance {set_distance!r}; use masi or jaccard")
    coded = matrix if isinstance(matrix, Coded) else encode(matrix, level, coder_labels, unit_labels)
    level = coded.level
    C, N = coded.codes.shape
    V = len(coded.domain)
    notes: list[str] = []
    p = _pairable(coded)
    present = coded.codes >= 0
    m_all = present.sum(axis=0)
    n_pairable_values = int(m_all[p.units].sum())
    res = Reliability(level=level, n_coders=C, n_units=len(p.units), n_units_total=N, n_values=n_pairable_values,
                      set_distance=set_distance if level == "set" else None, notes=notes)

    n_missing = int((~present).sum())
    if n_missing:
        notes.append(f"{_plural(n_missing, 'empty cell')} treated as missing (the coder gave no value).")
    empty_units = np.flatnonzero(m_all == 0)
    if len(empty_units):
        notes.append(f"{_plural(len(empty_units), 'unit')} without any value ignored: {_fmt_units(empty_units, unit_labels)}.")
    single = np.flatnonzero(m_all == 1)
    if len(single):
        notes.append(
            f"{_plural(len(single), 'unit')} coded by one coder only dropped from alpha and percent agreement "
            f"(not pairable): {_fmt_units(single, unit_labels)}; Fleiss' kappa and AC1 still count "
            f"their values in the category shares (Gwet's generalisation).")
    if coder_labels is not None:
        idle = [str(coder_labels[c]) for c in range(C) if not present[c].any()]
        if idle:
            notes.append(f"coder(s) without any value: {', '.join(idle)}.")
    if level == "set":
        notes.append(f"values compared as sets with the {'MASI' if set_distance == 'masi' else 'Jaccard'} distance; "
                     "percent agreement and kappas count identical sets as agreement.")
    elif level != "nominal":
        notes.append("percent agreement, kappas and AC1 treat values as categories (exact equality).")

    # ---- alpha
    if len(p.units) == 0:
        notes.append("Krippendorff's alpha undefined: no unit was coded by two or more coders.")
    else:
        n_v = np.bincount(p.val_code, minlength=V).astype(float)
        delta = distance_matrix(coded, n_v, set_distance)
        d_total = float((p.pair_w * delta[p.pair_a, p.pair_b]).sum())
        a, d_o, d_e = _alpha_from(d_total, n_v, delta)
        res.observed_disagreement = d_o
        res.expected_disagreement = d_e
        if a is None:
            if int((n_v > 0).sum()) <= 1:
                only = coded.domain[int(np.argmax(n_v))]
                notes.append(f"Krippendorff's alpha undefined: every pairable value is the same ({_show(only)}), "
                             "so expected and observed disagreement are both 0 (0/0).")
            else:
                notes.append("Krippendorff's alpha undefined: expected disagreement is 0.")
        else:
            pkg = _package_alpha(p, coded, V, set_distance) if use_package else None
            if pkg is not None:
                a = pkg
                res.alpha_engine = "krippendorff package"
            else:
                res.alpha_engine = "annotator.agreement.stats"
            res.krippendorff_alpha = a
            if n_boot <= 0:
                notes.append("no bootstrap interval for alpha was requested.")
            else:
                patterns, counts = _patterns(coded, p)
                boots = _bootstrap_chunks(coded, patterns, counts, n_boot, seed, delta)
                ok = boots[np.isfinite(boots)]
                if len(ok) >= max(20, 0.5 * len(boots)):
                    lo, hi = np.percentile(ok, [2.5, 97.5])
                    res.alpha_ci95 = [float(lo), float(hi)]
                    if len(ok) < len(boots):
                        notes.append(f"{len(boots) - len(ok)} of {len(boots)} bootstrap resamples had an undefined "
                                     "alpha (a single value) and were left out of the interval.")
                else:
                    notes.append("bootstrap interval for alpha undefined: most resamples contain a single value.")

    _kappas(coded, res, notes)
    if pairs and C >= 3:
        res.pairs = pairwise(coded, coder_labels, set_distance)
    return res


def pairwise(coded: Coded, coder_labels: Sequence[str] | None = None, set_distance: str = "masi") -> list[dict[str, Any]]:
    """Agreement of every pair of coders on the units both coded: which coder deviates from the others."""
    out = []
    C = coded.n_coders
    names = [str(coder_labels[i]) if coder_labels is not None else str(i + 1) for i in range(C)]
    for a in range(C):
        for b in range(a + 1, C):
            sub = Coded(coded.codes[[a, b]], coded.domain, coded.level, coded.numeric)
            r = reliability(sub, n_boot=0, set_distance=set_distance, use_package=False, pairs=False)
            out.append({"coders": [names[a], names[b]], "n_units": r.n_units,
                        "percent_agreement": r.percent_agreement, "cohen_kappa": r.cohen_kappa,
                        "krippendorff_alpha": r.krippendorff_alpha})
    return out


def _show(v: Any) -> str:
    if isinstance(v, frozenset):
        return "{" + ", ".join(sorted(map(str, v))) + "}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return repr(v) if isinstance(v, str) else str(v)


def _kappas(coded: Coded, res: Reliability, notes: list[str]) -> None:
    codes = coded.codes
    C, N = codes.shape
    V = len(coded.domain)
    present = codes >= 0
    r_i = present.sum(axis=0)
    rated = np.flatnonzero(r_i >= 1)
    multi = np.flatnonzero(r_i >= 2)
    # counts r_ik for rated units (sparse, via unique keys)
    ci, ui = np.nonzero(present)
    keys = ui * V + codes[ci, ui]
    uk, cnt = np.unique(keys, return_counts=True)
    k_unit, k_cat = uk // V, uk % V
    # percent agreement (P-bar) over units with >= 2 ratings
    if len(multi):
        agree_pairs = np.bincount(k_unit, weights=cnt * (cnt - 1.0), minlength=N)
        pa_unit = agree_pairs[multi] / (r_i[multi] * (r_i[multi] - 1.0))
        pa = float(pa_unit.mean())
        res.percent_agreement = pa
    else:
        pa = None
        notes.append("percent agreement undefined: no unit was coded by two or more coders.")
    # Gwet: category shares pi_k over every unit with >= 1 rating
    q = int(len(np.unique(k_cat)))
    if pa is None:
        notes.append("Fleiss' kappa and Gwet's AC1 undefined: no unit was coded by two or more coders.")
    else:
        pi = np.bincount(k_cat, weights=cnt / r_i[k_unit], minlength=V) / len(rated)
        pe_f = float((pi ** 2).sum())
        if q < 2:
            notes.append("Fleiss' kappa and Gwet's AC1 undefined: every rating is the same single value, "
                         "so chance agreement is 1 (0/0).")
        else:
            res.fleiss_kappa = (pa - pe_f) / (1.0 - pe_f) if pe_f < 1 - 1e-15 else None
            pe_g = float((pi * (1 - pi)).sum() / (q - 1))
            res.gwet_ac1 = (pa - pe_g) / (1.0 - pe_g) if pe_g < 1 - 1e-15 else None
    # two-coder coefficients
    if C != 2:
        notes.append(f"Cohen's kappa and Scott's pi apply to exactly two coders; this matrix has {C}.")
        return
    both = present[0] & present[1]
    n = int(both.sum())
    if n == 0:
        notes.append("Cohen's kappa and Scott's pi undefined: no unit was coded by both coders.")
        return
    a, b = codes[0, both], codes[1, both]
    po = float((a == b).mean())
    p1 = np.bincount(a, minlength=V) / n
    p2 = np.bincount(b, minlength=V) / n
    pe_c = float(p1 @ p2)
    pooled = (p1 + p2) / 2
    pe_s = float(pooled @ pooled)
    if pe_s >= 1 - 1e-15:
        notes.append("Cohen's kappa and Scott's pi undefined: both coders gave the same single value to every "
                     "unit, so chance agreement is 1 (0/0).")
        return
    res.scott_pi = (po - pe_s) / (1 - pe_s)
    if pe_c >= 1 - 1e-15:
        notes.append("Cohen's kappa undefined: chance agreement is 1.")
    else:
        res.cohen_kappa = (po - pe_c) / (1 - pe_c)
    if n < N:
        notes.append(f"Cohen's kappa and Scott's pi use the {n} units coded by both coders.")
