"""How much of what migrants send home an origin's balance of payments records.

The World Bank/KNOMAD bilateral remittance estimates split an origin's *recorded* inflows
(its balance of payments) across host countries by migrant stocks and incomes: "This amount,
however, reflects only transfers through official channels" (World Bank, Migration and
Development Brief 2, 2006). The model's remittances are everything sent, by every channel.
Where an origin's balance of payments records only formal channels and the sources give
the share of remittances that goes through them, the observation model compares the
estimate with the recorded part only (``recorded_remittances_usd_per_month``,
:mod:`calibration.observation`): the simulated remittances received times the origin's
recorded share below. The share is applied to every destination's estimate for that origin
(Thailand, Malaysia and Japan), though the surveys behind it are of migrants in Thailand
above all. Origins without a sourced share keep ``remittances_received_usd_per_month``
(everything received): Indonesia, whose
central bank estimates workers' remittances as "the percentage of IMWs wages sent home
regularly" times "the prevailing of IMWs stock" (Bank Indonesia, National Survey of
Remittance Patterns of Indonesian Migrant Workers, 2008), whatever the channel; and Viet Nam,
whose State Bank counts what arrives through banks, remittance companies and post offices
but for which no source found gives the share that does.

Why a table of sourced constants and not a fitted observation parameter: a share fitted to
the very estimates it scales would meet them by construction; issue 14 allows observation
factors only within what the sources support. What each share measures differs, as the
sources do: Myanmar's is a share of *transactions* (a survey of senders), Cambodia's a share
of "the remittances" (a household survey; value or count not said), Lao PDR's a ratio of
*values*. Lao PDR's is the World Bank's own figure from Thailand over IOM's survey-based
total, so with it the target says in effect that the Lao total is IOM's, within the band's
width; the Lao ministry's 2025 figures (0.09) are an independent check.
"""

from __future__ import annotations

__all__ = ["RECORDED_REMITTANCE_SHARE", "RECORDED_REMITTANCE_SOURCES"]

RECORDED_REMITTANCE_SHARE: dict[str, float] = {
    "KHM": 0.6,
    "LAO": 0.12,
    "MMR": 0.15,
}
"""[origin] Share of the remittances its migrants send home that the origin's balance of
payments records (the rest goes through brokers, hundi agents, or by hand)."""

RECORDED_REMITTANCE_SOURCES: dict[str, str] = {
    "KHM": (
        "'Around 40% of the remittances were sent through informal channels (informal agent, "
        "friends or family)' (OECD/CDRI 2017, Interrelations between Public Policies, "
        "Migration and Development in Cambodia, household survey of 2014, all destinations, "
        "Thailand first; read in an excerpt whose attribution to that report is likely but "
        "not certain): 0.6. The National Bank of Cambodia's balance of payments records "
        "'personal transfers by migrant workers ... via financial institutions' (Phnom Penh "
        "Post, May 2019)."
    ),
    "LAO": (
        "World Bank bilateral estimate, Thailand to Lao PDR, 2014: 39.9 million USD (as "
        "reproduced by laoconnection.com, 18 Jan 2016), against IOM's survey-based total "
        "'an estimated USD 331 million collectively' a year (IOM/ARCM, Lao migrants in "
        "Thailand, 2016): 39.9 / 331 = 0.12. A check from a later year: 'USD 366 million in "
        "the first six months ... USD 32.5 million was transferred through formal banking "
        "channels' (Lao Ministry of Labour and Social Welfare, 2025): 0.09."
    ),
    "MMR": (
        "'Those surveyed by the ILO relied on informal agents for 85 percent of their "
        "remittance transactions' (ILO 2010, Migrant workers' remittances from Thailand to "
        "Cambodia, Lao PDR and Myanmar, as summarised by Mizzima, 2016): 0.15. 'Only $566m "
        "... ended up in the coffers of the Central Bank of Myanmar' in 2012 (The Economist, "
        "2013). The survey was of Myanmar workers in Thailand; the same share is used for "
        "Malaysia (recording is the origin's; no survey of Myanmar workers in Malaysia's "
        "channels was found)."
    ),
}
"""[origin] Where each share comes from (quoted in ODD section 13 and the fit report)."""
