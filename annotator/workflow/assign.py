"""Balanced assignment of articles to coders.

Every article goes to one coder; a share of them (``overlap``) goes to two, or
every article to ``per_article`` coders. The plan is balanced: coders' loads
differ by at most one (counting the assignments they already have, when those
allow it), and the double-coded articles are spread over the coder pairs. The
same seed gives the same plan.

Existing assignments are kept and only articles nobody is assigned to are
planned, unless ``replace`` is given: then every existing assignment is removed
and all articles are planned afresh (codings already made stay in the project).

``plan_assignment`` only reads; ``apply_plan`` writes the plan in one
transaction (plus one audit entry).
"""
from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from sqlalchemy import delete, select

from annotator.db.models import Article, Assignment, AuditEntry, Coder, Coding
from annotator.db.project import Project


class AssignError(ValueError):
    """Impossible or invalid assignment settings; the message says why."""


# --------------------------------------------------------------------------- pure algorithm
def parse_coders(text: str | Iterable[str]) -> list[str]:
    """``"ana, ben,chen"`` -> ``["ana", "ben", "chen"]`` (order kept, duplicates refused)."""
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    dup = [n for n, c in Counter(names).items() if c > 1]
    if dup:
        raise AssignError(f"coder named twice: {', '.join(dup)}")
    return names


def coders_per_article(n_articles: int, n_coders: int, overlap: float | None = None,
                       per_article: int | None = None) -> list[int]:
    """How many coders each of ``n_articles`` gets (multi-coded first)."""
    if n_coders < 1:
        raise AssignError("give at least one coder")
    if per_article is not None and overlap is not None:
        raise AssignError("give either an overlap share or a number of coders per article, not both")
    if per_article is not None:
        if per_article < 1:
            raise AssignError("coders per article must be 1 or more")
        if per_article > n_coders:
            raise AssignError(f"{per_article} coders per article needs at least {per_article} coders "
                              f"(got {n_coders})")
        return [per_article] * n_articles
    overlap = 0.0 if overlap is None else float(overlap)
    if not 0.0 <= overlap <= 1.0:
        raise AssignError(f"the overlap share must be between 0 and 1 (got {overlap:g})")
    n_double = int(round(overlap * n_articles + 1e-9))
    if n_double and n_coders < 2:
        raise AssignError("double coding (an overlap above 0) needs at least two coders")
    return [2] * n_double + [1] * (n_articles - n_double)


def _choose(k: int, coders: Sequence[str], load: Counter, pairs: Counter, rank: dict[str, int]) -> tuple[str, ...]:
    """The ``k`` least-loaded coders; among equally loaded ones, those sharing the fewest articles."""
    by_load = sorted(coders, key=lambda c: (load[c], rank[c]))
    threshold = load[by_load[k - 1]]
    must = [c for c in by_load if load[c] < threshold]
    pool = [c for c in by_load if load[c] == threshold]
    need = k - len(must)
    if need == 0 or (k == 1):
        return tuple(must + pool[:need])
    combos = itertools.combinations(pool, need)
    if len(pool) > 24:  # keep the search small for very many coders
        combos = itertools.islice(combos, 5000)
    best, best_key = None, None
    for combo in combos:
        chosen = must + list(combo)
        key = sum(pairs[frozenset(p)] for p in itertools.combinations(chosen, 2))
        if best_key is None or key < best_key:
            best, best_key = chosen, key
    return tuple(best)


def _min_matching(pool: Sequence[str], pairs: Counter, rank: dict[str, int]) -> list[tuple[str, str]]:
    """Pairs covering ``pool`` (one left out when odd) with the fewest shared articles so far."""
    pool = sorted(pool, key=lambda c: rank[c])
    if len(pool) > 10:  # greedy for many coders
        left, out = list(pool), []
        while len(left) >= 2:
            a = left.pop(0)
            b = min(left, key=lambda c: (pairs[frozenset((a, c))], rank[c]))
            left.remove(b)
            out.append((a, b))
        return out
    best: list = [None, None]

    def rec(left: list[str], acc: list[tuple[str, str]], cost: int, skipped: bool) -> None:
        if best[1] is not None and cost >= best[1]:
            return
        if len(left) < 2:
            best[0], best[1] = list(acc), cost
            return
        a, rest = left[0], left[1:]
        if len(left) % 2 == 1 and not skipped:
            rec(rest, acc, cost, True)  # leave ``a`` out
        for b in rest:
            w = pairs[frozenset((a, b))]
            rec([c for c in rest if c != b], acc + [(a, b)], cost + w, skipped)

    rec(pool, [], 0, False)
    return best[0]


def distribute(article_ids: Sequence[str], coders: Sequence[str], *, overlap: float | None = None,
               per_article: int | None = None, seed: int = 0, start_load: dict[str, int] | None = None,
               start_pairs: dict[frozenset, int] | None = None) -> dict[str, tuple[str, ...]]:
    """article id -> the coders it goes to. Deterministic for a given seed and input order."""
    coders = list(coders)
    counts = coders_per_article(len(article_ids), len(coders), overlap, per_article)
    rng = random.Random(seed)
    order = list(article_ids)
    rng.shuffle(order)
    perm = coders[:]
    rng.shuffle(perm)
    rank = {c: i for i, c in enumerate(perm)}
    load = Counter({c: (start_load or {}).get(c, 0) for c in coders})
    pairs: Counter = Counter(start_pairs or {})
    out: dict[str, tuple[str, ...]] = {}
    queue: list[tuple[str, str]] = []  # a matching of the least-loaded coders, used pair by pair
    for article_id, k in zip(order, counts):
        chosen = None
        if k == 2:
            low = min(load[c] for c in coders)
            pool = [c for c in coders if load[c] == low]
            queue = [p for p in queue if load[p[0]] == low and load[p[1]] == low]
            if not queue and len(pool) >= 2:
                queue = _min_matching(pool, pairs, rank)
            if queue:
                chosen = queue.pop(0)
        if chosen is None:
            chosen = _choose(k, coders, load, pairs, rank)
        for c in chosen:
            load[c] += 1
        for p in itertools.combinations(chosen, 2):
            pairs[frozenset(p)] += 1
        out[article_id] = tuple(sorted(chosen, key=coders.index))
    return out


# --------------------------------------------------------------------------- project level
@dataclass
class CoderSummary:
    coder: str
    new: int  # assignments added by this plan
    total: int  # after the plan
    shared: int  # of the total, articles also assigned to another coder


@dataclass
class AssignmentPlan:
    coders: list[str]
    seed: int
    overlap: float | None
    per_article: int | None
    replace: bool
    plan: dict[str, tuple[str, ...]]  # article id -> coders (new assignments only)
    n_articles: int  # articles in the project
    kept: int  # existing assignments kept
    removed: int  # existing assignments removed (replace)
    removed_with_work: int  # of those, how many had a coding started by that coder
    summary: list[CoderSummary] = field(default_factory=list)
    pair_counts: dict[tuple[str, str], int] = field(default_factory=dict)  # after the plan, among these coders
    others: dict[str, int] = field(default_factory=dict)  # assignments of coders not in the list (kept)

    @property
    def n_new_articles(self) -> int:
        return len(self.plan)

    @property
    def n_multi(self) -> int:
        return sum(1 for cs in self.plan.values() if len(cs) > 1)

    def format_table(self) -> str:
        w = max([5] + [len(s.coder) for s in self.summary])
        lines = [f"{'coder':<{w}}  {'new':>5}  {'total':>5}  {'double-coded':>12}"]
        for s in self.summary:
            lines.append(f"{s.coder:<{w}}  {s.new:>5}  {s.total:>5}  {s.shared:>12}")
        n_new = self.n_new_articles
        share = f" = {100.0 * self.n_multi / n_new:.1f}%" if n_new else ""
        lines.append("")
        lines.append(f"{n_new} article(s) newly assigned, {self.n_multi} of them to more than one coder{share}; "
                     f"seed {self.seed}")
        if self.replace:
            lines.append(f"--replace: {self.removed} existing assignment(s) removed"
                         + (f" ({self.removed_with_work} had coding work, which stays in the project)"
                            if self.removed_with_work else ""))
        elif self.kept:
            lines.append(f"{self.kept} existing assignment(s) kept; only unassigned articles were planned "
                         f"(--replace plans everything afresh)")
        if self.others:
            lines.append("assignments of other coders, kept: "
                         + ", ".join(f"{c} {n}" for c, n in sorted(self.others.items())))
        if self.pair_counts:
            lines.append("shared articles per pair: "
                         + ", ".join(f"{a}+{b} {n}" for (a, b), n in self.pair_counts.items()))
        return "\n".join(lines)


def plan_assignment(project: Project, coders: Sequence[str] | str, *, overlap: float | None = None,
                    per_article: int | None = None, seed: int | None = None, replace: bool = False) -> AssignmentPlan:
    """Plan (without writing) the assignment of the project's articles to ``coders``."""
    coders = parse_coders(coders)
    if not coders:
        raise AssignError("give at least one coder")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 10**6)
    with project.Session() as s:
        reconciled = set(s.scalars(select(Coder.name).where(Coder.kind != "coder", Coder.name.in_(coders))))
        if reconciled:
            raise AssignError(f"{', '.join(sorted(reconciled))}: not a coder (reserved for reconciled codings)")
        articles = list(s.scalars(select(Article.id).order_by(Article.position, Article.created_at, Article.id)))
        rows = s.execute(select(Assignment.article_id, Coder.name, Assignment.coder_id)
                         .join(Coder, Coder.id == Assignment.coder_id)).all()
        started = set(s.execute(select(Coding.article_id, Coding.coder_id).where(Coding.status != "new")).all())
    existing: dict[str, list[str]] = {}
    for article_id, name, _ in rows:
        existing.setdefault(article_id, []).append(name)
    if replace:
        todo = articles
        kept_rows: list = []
        removed = len(rows)
        removed_with_work = sum(1 for a, _, cid in rows if (a, cid) in started)
    else:
        todo = [a for a in articles if a not in existing]
        kept_rows = rows
        removed = removed_with_work = 0
    start_load = Counter(name for _, name, _ in kept_rows if name in coders)
    start_pairs: Counter = Counter()
    if not replace:
        for names in existing.values():
            mine = [n for n in names if n in coders]
            for p in itertools.combinations(sorted(mine), 2):
                start_pairs[frozenset(p)] += 1
    plan = distribute(todo, coders, overlap=overlap, per_article=per_article, seed=seed,
                      start_load=dict(start_load), start_pairs=dict(start_pairs))
    # summary after the plan
    after: dict[str, list[str]] = {} if replace else {a: list(v) for a, v in existing.items()}
    for a, cs in plan.items():
        after.setdefault(a, []).extend(cs)
    new = Counter(c for cs in plan.values() for c in cs)
    total = Counter(c for cs in after.values() for c in cs)
    shared = Counter(c for cs in after.values() if len(cs) > 1 for c in cs)
    pair_counts: Counter = Counter()
    for cs in after.values():
        mine = sorted((c for c in cs if c in coders), key=coders.index)
        for p in itertools.combinations(mine, 2):
            pair_counts[p] += 1
    ordered_pairs = {p: pair_counts[p] for p in itertools.combinations(coders, 2) if pair_counts[p]}
    others = {c: n for c, n in total.items() if c not in coders}
    return AssignmentPlan(
        coders=coders, seed=seed, overlap=overlap, per_article=per_article, replace=replace, plan=plan,
        n_articles=len(articles), kept=len(kept_rows), removed=removed, removed_with_work=removed_with_work,
        summary=[CoderSummary(c, new[c], total[c], shared[c]) for c in coders],
        pair_counts=ordered_pairs, others=others)


def apply_plan(project: Project, plan: AssignmentPlan) -> None:
    """Write ``plan`` in one transaction (coders are created as needed)."""
    with project.session() as s:
        if plan.replace:
            s.execute(delete(Assignment))
        else:
            taken = set(s.execute(select(Assignment.article_id)).scalars())
            clash = taken.intersection(plan.plan)
            if clash:
                raise AssignError("the project changed since the plan was made (articles were assigned meanwhile); "
                                  "plan again")
        ids = {c: project.coder(s, c).id for c in plan.coders}
        for article_id, cs in plan.plan.items():
            for c in cs:
                s.add(Assignment(article_id=article_id, coder_id=ids[c]))
        s.add(AuditEntry(action="assign", entity="assignments", new={
            "coders": plan.coders, "seed": plan.seed, "overlap": plan.overlap, "per_article": plan.per_article,
            "replace": plan.replace, "articles": plan.n_new_articles, "multi_coded": plan.n_multi,
            "removed": plan.removed}))


def assign(project: Project, coders: Sequence[str] | str, **kwargs) -> AssignmentPlan:
    """Plan and apply in one go."""
    plan = plan_assignment(project, coders, **kwargs)
    apply_plan(project, plan)
    return plan


def assignments_of(project: Project) -> dict[str, list[str]]:
    """coder name -> article ids assigned (sorted)."""
    with project.Session() as s:
        out: dict[str, list[str]] = {}
        for name, article_id in s.execute(select(Coder.name, Assignment.article_id)
                                          .join(Coder, Coder.id == Assignment.coder_id)
                                          .order_by(Coder.name, Assignment.article_id)):
            out.setdefault(name, []).append(article_id)
        return out
