"""The recruiters' monthly step and the per-corridor summary workers decide on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.status import Status

if TYPE_CHECKING:
    from .model import MigrationModel

__all__ = ["RecruitmentSummary", "recruiters_step"]


@dataclass
class RecruitmentSummary:
    """Per corridor x channel: what active recruiters charge on average (USD), how many places
    they offer (people per month), their mean malpractice; per corridor, the regular queue."""

    fee: np.ndarray  # [corridor, channel]
    capacity: np.ndarray  # [corridor, channel]
    malpractice: np.ndarray  # [corridor, channel]
    waiting_people: np.ndarray  # [corridor]
    charged: np.ndarray  # [recruiter] fee each recruiter charges now


def summarise(model: MigrationModel) -> RecruitmentSummary:
    """What workers see of the recruiters this month, per corridor x channel: the mean fee
    active recruiters charge (``RecruiterTable.charged_fee`` under the origin's fee cap and the
    brokers' risk premium from border control and anti-trafficking enforcement; the mean
    starting fee where none is active), their total capacity, their mean malpractice (the
    channel's declared mean where none is active), and the regular queue (people waiting).
    Reads the recruiter table and ``status``; no draws."""
    rec, lv, ppa = model.recruiters, model.lv, model.people_per_agent
    n_c = len(model.c_dest)
    d = model.c_dest[rec.corridor]
    o = model.c_origin[rec.corridor]
    premium = (
        lv.broker_risk_premium * 0.5 * (lv.border_control[d] + lv.anti_trafficking_enforcement[d])
    )
    charged = rec.charged_fee(lv.recruitment_fee_cap_usd[o], premium)
    cell = rec.corridor.astype(np.int64) * 2 + rec.channel
    act = rec.active
    count = np.bincount(cell[act], minlength=2 * n_c).astype(float)
    base = np.bincount(cell, weights=rec.base_fee, minlength=2 * n_c) / np.maximum(
        np.bincount(cell, minlength=2 * n_c), 1
    )

    def mean(values, fallback):
        total = np.bincount(cell[act], weights=values[act], minlength=2 * n_c)
        return np.where(count > 0, total / np.maximum(count, 1), fallback).reshape(n_c, 2)

    fallback_mal = np.tile([lv.agency_malpractice_mean, lv.broker_malpractice_mean], n_c)
    waiting = model.population.status == Status.WAITING
    return RecruitmentSummary(
        fee=mean(charged, base),
        capacity=np.bincount(cell[act], weights=rec.capacity[act], minlength=2 * n_c).reshape(
            n_c, 2
        ),
        malpractice=mean(rec.malpractice, fallback_mal),
        waiting_people=ppa * np.bincount(model.population.corridor[waiting], minlength=n_c),
        charged=charged,
    )


def recruiters_step(model: MigrationModel) -> RecruitmentSummary:
    """Step 3 of the month: every recruiter's monthly update
    (:meth:`~agents.recruiter.RecruiterTable.monthly_update`: fees and agencies' capacity
    follow demand, inspections and enforcement exclude, replacements enter), counted in
    ``agencies_blacklisted`` and ``brokers_caught``; returns the new :func:`summarise`."""
    rec, lv = model.recruiters, model.lv
    d = model.c_dest[rec.corridor]
    o = model.c_origin[rec.corridor]
    blacklisted, caught = rec.monthly_update(
        inspection_rate=lv.agency_inspection_rate[o],
        anti_trafficking=lv.anti_trafficking_enforcement[d],
        fee_adjustment_rate=lv.fee_adjustment_rate,
        recruiter_reentry_months=lv.recruiter_reentry_months,
        agency_malpractice_mean=lv.agency_malpractice_mean,
        broker_malpractice_mean=lv.broker_malpractice_mean,
        rng=model.rng,
        capacity_growth=lv.agency_capacity_growth_per_month[rec.corridor],
    )
    model.agencies_blacklisted += blacklisted
    model.brokers_caught += caught
    return summarise(model)
