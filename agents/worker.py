"""The Worker agent: a Mesa agent whose state lives in the model's numpy columns.

Why columns: the monthly rules run for all workers at once as array operations (see
``simulation/``), which is what makes a million agents for twenty years fit in a minute. A
``Worker`` is still a proper Mesa agent (in ``model.agents``, usable by Mesa's
``DataCollector`` agent reporters and by the dashboard's inspector); it reads and writes its
own row of the columns. The model registers the Worker agents with Mesa when they are first
asked for (``model.agents``, ``agents_by_type``, ``model.worker(row)``), with the ids they
would have had at build, since no monthly rule reads them.

Per-agent reading of the rules (the vectorised code in ``simulation/`` does exactly this for
every worker each month):

* At home (aged 18-49), a worker weighs migrating with monthly probability
  ``decision_rate_per_month`` (higher during a push shock, and where jobs abroad go unfilled,
  by ``vacancy_recruitment_pull`` times the unfilled-vacancy rate). If so, it compares staying
  with every open destination x channel of its origin by a nested logit over expected earnings
  (wage x employment chance), upfront cost against savings and borrowing, waiting time,
  perceived risks of arrest and exploitation, and the pull of its network
  (:mod:`agents.choice`).
* Choosing the regular channel, it signs with a licensed agency, pays its fee plus official
  fees (borrowing what its savings do not cover) and waits for processing; choosing the
  irregular channel, it pays a broker and crosses, and may be intercepted or trafficked.
* Abroad, it earns, pays living costs, repays debt, remits at the corridor's cost and saves;
  it may be exploited, lose its job, see its contract end (renewal, overstay or return), be
  arrested and deported if irregular, register in an amnesty, or go home.
"""

from __future__ import annotations

import mesa

from .status import Legal, Status

__all__ = ["Worker"]


class Worker(mesa.Agent):
    """One worker agent standing for ``model.people_per_agent`` people."""

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = int(row)

    # ---- read-only views of the agent's row ---------------------------------------------
    def _col(self, name: str):
        return getattr(self.model.population, name)[self.row]

    @property
    def origin(self) -> str:
        """Origin country code."""
        return self.model.world.origins[int(self._col("origin"))]

    @property
    def status(self) -> Status:
        """Where the worker is and what it does now."""
        return Status(int(self._col("status")))

    @property
    def legal(self) -> Legal:
        """Legal status in the destination (``NONE`` when not in one)."""
        return Legal(int(self._col("legal")))

    @property
    def corridor(self) -> str | None:
        """Current (or last) corridor code ("MMR-THA"), ``None`` if never migrated."""
        c = int(self._col("corridor"))
        return None if c < 0 else self.model.world.corridors[c].code

    @property
    def skilled(self) -> bool:
        """Skilled worker (earns the skill multiplier)."""
        return bool(self._col("skilled"))

    @property
    def female(self) -> bool:
        """Woman (``female_vulnerability`` applies)."""
        return bool(self._col("female"))

    @property
    def age_years(self) -> float:
        """Age in years."""
        return float(self._col("age_months")) / 12.0

    @property
    def savings_usd(self) -> float:
        """Savings, USD."""
        return float(self._col("savings"))

    @property
    def debt_usd(self) -> float:
        """Debt, USD."""
        return float(self._col("debt"))

    @property
    def network_ties(self) -> int:
        """Relatives and friends who could be abroad."""
        return int(self._col("network_ties"))

    @property
    def exploited(self) -> bool:
        """Exploited now."""
        return bool(self._col("exploited"))

    @property
    def exploitation_count(self) -> int:
        """Exploitation cases so far."""
        return int(self._col("exploitation_count"))

    @property
    def trafficked(self) -> bool:
        """Ever trafficked."""
        return bool(self._col("trafficked"))

    def describe(self) -> dict:
        """Everything the inspector shows about this worker now."""
        return {
            "agent": self.unique_id,
            "origin": self.origin,
            "status": self.status.name,
            "legal": self.legal.name,
            "corridor": self.corridor,
            "skilled": self.skilled,
            "female": self.female,
            "age_years": round(self.age_years, 1),
            "savings_usd": round(self.savings_usd, 2),
            "debt_usd": round(self.debt_usd, 2),
            "network_ties": self.network_ties,
            "exploited": self.exploited,
            "exploitation_count": self.exploitation_count,
            "trafficked": self.trafficked,
        }

    def history(self) -> list[dict]:
        """This worker's status changes, oldest first."""
        return self.model.transitions.history(self.row, self.model.world)

    def last_choice(self) -> dict | None:
        """Month of the last migration decision, the choice probabilities behind it and what
        was chosen (``None`` if the worker never weighed migrating; the probabilities are
        ``None`` when the model was built with ``keep_choice_probabilities=False``)."""
        return self.model.choices.explain(self.row)
