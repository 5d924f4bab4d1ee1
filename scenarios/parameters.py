"""Behavioural parameters: the quantities no source gives directly.

They set how workers weigh earnings, costs, waiting and risks, how recruiters price, and how
often events happen abroad. Defaults are assumptions chosen to give plausible orders of
magnitude, until the calibration (``calibration/``) fits them to observed figures. All are global
(one value for every country) but the take-up's sensitivity to an announced threat, which is
per destination (its description says why).
"""

from __future__ import annotations

from .declarations import Declaration

__all__ = ["PARAMETERS"]


def _p(name, kind, default, lo, hi, unit, description, group="behaviour"):
    return Declaration(name, kind, "global", default, lo, hi, unit, group, description)


PARAMETERS: tuple[Declaration, ...] = (
    # decision
    _p(
        "decision_rate_per_month",
        "float",
        0.03,
        0.001,
        0.5,
        "share per month",
        "Share of people at home (aged 18-49) who weigh migrating in a given month.",
    ),
    _p(
        "vacancy_recruitment_pull",
        "float",
        10.0,
        0.0,
        100.0,
        "times per unit vacancy rate",
        "Demand pull beyond full employment: employers with unfilled jobs send agencies and "
        "brokers into the villages, so the share of people weighing a move rises by this factor "
        "times the unfilled-vacancy rate of the origin's destinations.",
    ),
    _p(
        "stay_constant",
        "float",
        3.0,
        -10.0,
        20.0,
        "utility",
        "Attachment to home: the utility of staying before any comparison of earnings.",
    ),
    _p(
        "beta_log_earnings_gap",
        "float",
        2.5,
        0.0,
        10.0,
        "utility per log point",
        "Weight of the log ratio of expected earnings abroad (wage x employment chance) to "
        "income at home.",
    ),
    _p(
        "beta_cost_per_month_of_income",
        "float",
        0.12,
        0.0,
        2.0,
        "utility per month of home income",
        "Weight of the upfront cost of a move, measured in months of home income.",
    ),
    _p(
        "beta_wait_per_month",
        "float",
        0.15,
        0.0,
        2.0,
        "utility per month",
        "Weight of the expected time before departure (processing and queue).",
    ),
    _p(
        "beta_arrest_risk",
        "float",
        4.0,
        0.0,
        50.0,
        "utility per unit annual risk",
        "Weight of the perceived yearly chance of arrest (irregular channel).",
    ),
    _p(
        "beta_exploitation_risk",
        "float",
        3.0,
        0.0,
        50.0,
        "utility per unit annual risk",
        "Weight of the perceived yearly chance of exploitation.",
    ),
    _p(
        "beta_network",
        "float",
        1.0,
        0.0,
        5.0,
        "utility per log tie",
        "Pull of the network: weight of log(1 + ties already in the destination).",
    ),
    _p(
        "irregular_channel_constant",
        "float",
        0.2,
        -5.0,
        5.0,
        "utility",
        "Preference for the irregular channel other than cost and risk: no paperwork, "
        "brokers from the village, the familiar route.",
    ),
    _p(
        "regular_complexity_penalty",
        "float",
        0.5,
        0.0,
        10.0,
        "utility",
        "Disutility of the regular procedure's complexity for a worker not reached by "
        "information campaigns (halved for skilled workers).",
    ),
    _p(
        "nest_scale",
        "float",
        0.5,
        0.05,
        1.0,
        "dimensionless",
        "Nested-logit scale of the 'migrate' nest: below 1, the destinations and channels are "
        "closer substitutes of each other than of staying.",
    ),
    _p(
        "risk_misperception",
        "float",
        0.4,
        0.0,
        1.0,
        "share of true risk perceived",
        "Share of the true arrest and exploitation risk a worker not reached by information "
        "campaigns perceives.",
    ),
    _p(
        "network_mean_ties",
        "float",
        4.0,
        0.0,
        30.0,
        "people (Poisson mean)",
        "Mean number of relatives and friends who could be abroad and pull a worker.",
    ),
    _p(
        "skilled_home_wage_multiplier",
        "float",
        1.5,
        1.0,
        5.0,
        "times",
        "Home income of skilled workers relative to the low-skill wage.",
    ),
    # money
    _p(
        "borrowing_limit_months_of_income",
        "float",
        6.0,
        0.0,
        36.0,
        "months of home income",
        "How much a worker can borrow for the move (family, moneylenders).",
    ),
    _p(
        "monthly_interest_rate_pct",
        "float",
        2.0,
        0.0,
        10.0,
        "percent per month",
        "Interest on migration debt.",
    ),
    _p(
        "initial_savings_months_of_income",
        "float",
        2.0,
        0.0,
        24.0,
        "months of home income (mean)",
        "Mean savings at the start (exponentially distributed across people).",
    ),
    _p(
        "home_saving_rate",
        "float",
        0.1,
        0.0,
        0.5,
        "share of income",
        "Share of home income saved each month.",
    ),
    _p(
        "living_cost_share_abroad",
        "float",
        0.4,
        0.0,
        0.9,
        "share of earnings",
        "Share of earnings abroad spent on living costs.",
    ),
    _p(
        "debt_repayment_share",
        "float",
        0.5,
        0.0,
        1.0,
        "share of net earnings",
        "Share of earnings after living costs used to repay debt while any is left.",
    ),
    _p(
        "remittance_share",
        "float",
        0.6,
        0.0,
        1.0,
        "share of net earnings after repayment",
        "Share of what is left after living costs and repayments that is sent home.",
    ),
    _p(
        "irregular_wage_discount",
        "float",
        0.8,
        0.3,
        1.0,
        "times the regular wage",
        "Pay of irregular workers relative to regular workers in the same job.",
    ),
    _p(
        "training_wage_premium",
        "float",
        0.1,
        0.0,
        1.0,
        "share",
        "Wage premium of workers who had pre-departure training.",
    ),
    _p(
        "social_security_contribution_share",
        "float",
        0.05,
        0.0,
        0.3,
        "share of wage",
        "Contributions accrued by regular workers, paid out on return in proportion to "
        "portability.",
    ),
    _p(
        "reintegration_income_boost",
        "float",
        0.3,
        0.0,
        2.0,
        "share of home income",
        "Extra home income of returnees in a reintegration programme, for `reintegration_months`.",
    ),
    # abroad
    _p(
        "contract_months",
        "int",
        24,
        6,
        60,
        "months",
        "Length of a regular contract or registration.",
    ),
    _p(
        "contract_renewal_probability",
        "float",
        0.85,
        0.0,
        1.0,
        "probability",
        "Chance a regular contract is renewed at its end (falling demand acts through "
        "layoffs, not here).",
    ),
    _p(
        "renewal_keep_market_slope",
        "float",
        0.0,
        0.0,
        1.0,
        "probability per unit of market tightness",
        "How much the employer's wish to keep a worker whose contract ends follows the labour "
        "market: the renewal chance plus this times the tightness (share of demand unfilled, "
        "less the share of job-seekers who find no job), clipped to 0-1.",
    ),
    _p(
        "voluntary_job_change_per_month",
        "float",
        0.0,
        0.0,
        0.1,
        "probability per month",
        "Monthly chance that a regular worker leaves their employer for another job of their "
        "own accord (better pay, abuse short of exploitation); it matters where the permit is "
        "tied to the employer or the documents are held.",
    ),
    _p(
        "renewal_lapse_per_processing_month",
        "float",
        0.05,
        0.0,
        1.0,
        "probability per month",
        "Monthly chance that the old permit runs out before a renewal in processing is granted "
        "(the worker falls out of status); it acts only where renewals take time.",
    ),
    _p(
        "overstay_probability",
        "float",
        0.25,
        0.0,
        1.0,
        "probability",
        "Chance a regular worker whose permit ends (not renewed, renewal failed, stay limit "
        "reached, or the grace period after a lost job over) stays on irregularly (before the "
        "pull of portable social security).",
    ),
    _p(
        "return_hazard_per_month",
        "float",
        0.005,
        0.0,
        0.2,
        "probability per month",
        "Monthly chance that an employed migrant goes home of their own accord.",
    ),
    _p(
        "unemployed_return_hazard_per_month",
        "float",
        0.1,
        0.0,
        1.0,
        "probability per month",
        "Monthly chance that a migrant without a job goes home.",
    ),
    # circular migration (issue 14, mechanism 3): every term neutral by default
    _p(
        "planned_return_share",
        "float",
        0.0,
        0.0,
        1.0,
        "share of ending contracts",
        "Share of regular workers whose contract ends who go home as they planned (a fixed "
        "stay: a target sum saved, a family reason, the contract the agency sold them) rather "
        "than renewing or staying on; only those who came on a contract (last move regular), "
        "not those legalised in a registration window. 0: every ending contract goes to the "
        "employer's renewal decision as before.",
    ),
    _p(
        "border_area_months",
        "int",
        3,
        1,
        12,
        "months",
        "How long after arriving an irregular migrant counts as a recent crosser, whom "
        "border-area enforcement singles out (lever ``border_area_arrest_probability``): "
        "the months it takes to leave the border provinces for work inland. No source "
        "measures it; it acts only where that lever is above 0.",
    ),
    _p(
        "border_area_risk_weight",
        "float",
        0.3,
        0.0,
        1.0,
        "weight on the chance of an early arrest",
        "The weight on the chance of a border-area arrest (lever "
        "``border_area_arrest_probability``, over ``border_area_months`` months) in the "
        "first-year arrest risk the decision to cross irregularly weighs: 1, an early arrest "
        "deters like any arrest; 0, not at all. 0.3 is what an early arrest near the border "
        "costs against an arrest inland, as press reports of Cambodians in Thailand put them "
        "at the geometric middle of both ranges: hours or a night in custody and the "
        "broker's fee to cross again (2,500-4,000 baht), against days to weeks detained, the "
        "ride to the "
        "border (300-500 baht), bribes and wages left unpaid (5,000-25,000 baht all told); "
        "0.1-0.8 at the ranges' extremes (ODD 7.7 item 6). No source measures the weight "
        "itself: it is taken equal to that cost ratio.",
    ),
    _p(
        "season_length_months",
        "int",
        6,
        1,
        11,
        "months",
        "How long a seasonal stay lasts (the planting-to-harvest season, a cross-border pass): "
        "a seasonal mover goes home when it is over. It acts only on corridors with a seasonal "
        "share (lever ``seasonal_share``).",
    ),
    _p(
        "seasonal_decision_factor",
        "float",
        5.0,
        1.0,
        20.0,
        "times",
        "How much more often a seasonal mover back home weighs going again than other returnees "
        "(on top of returnee_decision_factor; the next season's move is planned, not a new "
        "decision); it acts only where someone came back from a seasonal stay.",
    ),
    _p(
        "returnee_decision_factor",
        "float",
        1.0,
        0.1,
        20.0,
        "times",
        "How much more often a person back home after migrating weighs migrating again than "
        "someone who never left (the re-migration propensity). 1: as often.",
    ),
    _p(
        "remigration_utility",
        "float",
        0.0,
        -5.0,
        5.0,
        "utility",
        "Added to every move of a person who migrated before: experience makes the move "
        "cheaper and simpler (knowing the route, the paperwork, the recruiter). 0: none.",
    ),
    _p(
        "returnee_known_employer_utility",
        "float",
        0.0,
        0.0,
        5.0,
        "utility",
        "Added, for a returnee whose last move was regular, to the regular channel of the "
        "corridor they came back from: a known employer asks for them again. 0: none.",
    ),
    _p(
        "beta_debt_push",
        "float",
        0.0,
        0.0,
        2.0,
        "utility per month of income at home",
        "Weight of the debt still owed (in months of income at home) on every move: debt that "
        "home earnings cannot repay pushes people out again. 0: none.",
    ),
    _p(
        "beta_shock_risk",
        "float",
        4.0,
        0.0,
        50.0,
        "utility per unit annual risk",
        "Weight of the yearly risk a pandemic adds to going to a destination, or a coup to "
        "staying at home (an enforcement scare adds to the arrest risk, weighed by "
        "``beta_arrest_risk`` x the corridor's ``corridor_arrest_risk_weight``).",
    ),
    _p(
        "shock_return_response",
        "float",
        0.5,
        0.0,
        1.0,
        "probability per month per unit annual risk",
        "Monthly chance of going home, per unit of the yearly risk a pandemic or an enforcement "
        "scare adds, in the first month of the shock (the peak of the return wave).",
    ),
    _p(
        "shock_return_decay_per_month",
        "float",
        0.5,
        0.0,
        1.0,
        "share per month",
        "Share of a shock's return hazard left one month later: the wave comes in the first "
        "weeks and fades (0.5: halved each month).",
    ),
    _p(
        "scare_regular_response",
        "float",
        0.25,
        0.0,
        1.0,
        "times the irregular response",
        "How strongly regular migrants and would-be regular migrants respond to an enforcement "
        "scare, relative to irregular ones (who are the ones arrested).",
    ),
    _p(
        "regular_grace_months",
        "int",
        2,
        0,
        12,
        "months",
        "Months a regular worker who lost their job has to find a new employer before their "
        "permit lapses (they then stay on irregularly or go home).",
    ),
    _p("detention_months", "int", 1, 0, 12, "months", "Months between arrest and deportation."),
    _p(
        "border_interception_max",
        "float",
        0.4,
        0.0,
        1.0,
        "share of crossings",
        "Share of irregular crossings intercepted at border control intensity 1.",
    ),
    _p(
        "amnesty_monthly_takeup",
        "float",
        0.3,
        0.0,
        1.0,
        "probability per month",
        "Monthly chance that an irregular worker comes forward while a window is open (before "
        "eligibility, the origin's and the fee's checks).",
    ),
    _p(
        "return_programme_monthly_takeup",
        "float",
        0.02,
        0.0,
        1.0,
        "probability per month",
        "Monthly chance that an irregular worker who can pay the fee comes forward to go home "
        "while a return-only programme is open (the amnesty's threat, information and fee "
        "sensitivities act on it as on the amnesty's take-up). A programme that stays open "
        "for years draws a small share a month, hence its own rate.",
    ),
    Declaration(
        "amnesty_takeup_threat_sensitivity",
        "float",
        "destination",
        0.0,
        0.0,
        5.0,
        "log take-up per unit of announced threat",
        "behaviour",
        "How much the enforcement announced with a window raises take-up in the destination: "
        "the monthly chance of coming forward is multiplied by exp(this x the threat: 1 in "
        "``amnesty_high_threat_months``, else ``amnesty_enforcement_threat``), in a window "
        "and in a return-only programme alike (a programme reads the latter). Per "
        "destination because the programmes differ in kind (Thailand's registration of the "
        "undocumented, Malaysia's employer-led rehiring): one response to a threat need not "
        "fit both.",
    ),
    _p(
        "amnesty_takeup_fee_sensitivity",
        "float",
        0.0,
        0.0,
        5.0,
        "log take-up per month of wage",
        "How much the fees deter take-up beyond affordability: the chance of coming forward "
        "is multiplied by exp(-this x (registration + verification fee) / the destination's "
        "monthly market wage, at least 1 USD); in a return-only programme, its fee instead.",
    ),
    _p(
        "amnesty_takeup_time_sensitivity",
        "float",
        0.0,
        0.0,
        1.0,
        "log take-up per month of verification",
        "How much a long verification deters take-up: the chance of coming forward is "
        "multiplied by exp(-this x ``amnesty_verification_months``).",
    ),
    _p(
        "amnesty_takeup_need_sensitivity",
        "float",
        0.0,
        0.0,
        5.0,
        "log take-up per unit of market tightness",
        "How much an employer's need for the worker (sponsorship) raises take-up of employed "
        "irregular workers: exp(this x market tightness, from -1 slack to 1 tight).",
    ),
    _p(
        "amnesty_takeup_information_sensitivity",
        "float",
        0.0,
        0.0,
        5.0,
        "log take-up per unit of coverage",
        "How much an information campaign on the window raises take-up: exp(this x "
        "``amnesty_information_coverage``), in a window and in a return-only programme.",
    ),
    _p(
        "employer_irregular_hiring_base",
        "float",
        0.8,
        0.0,
        1.0,
        "probability",
        "Chance that a vacancy is open to an irregular worker when no sanctions apply.",
    ),
    _p(
        "employer_sanction_sensitivity",
        "float",
        0.002,
        0.0,
        1.0,
        "per USD of expected yearly fine",
        "How fast employers shun irregular workers as the expected yearly fine (sanction x "
        "yearly chance of being caught) rises: deterrence = 1 - exp(-sensitivity x fine).",
    ),
    _p(
        "sanction_dismissal_rate",
        "float",
        0.05,
        0.0,
        1.0,
        "probability per month",
        "Monthly chance that an employer let go of an irregular worker at full deterrence.",
    ),
    _p(
        "levy_job_order_elasticity",
        "float",
        0.003,
        0.0,
        0.1,
        "per USD per month",
        "Fall in the share of vacancies posted as regular job orders per USD of monthly "
        "levy (or of a binding migrant minimum wage above the market wage).",
    ),
    _p(
        "labour_shortage_vacancy_rate",
        "float",
        0.02,
        0.0,
        0.5,
        "share of demand",
        "Mean unfilled vacancies over a year, as a share of demand, above which an adaptive "
        "receiving state sees a labour shortage and raises next year's quota.",
    ),
    _p(
        "regular_job_order_share",
        "float",
        0.6,
        0.0,
        1.0,
        "share of vacancies",
        "Share of vacancies employers post as regular job orders with no levy.",
    ),
    # harms
    _p(
        "exploitation_base_regular",
        "float",
        0.002,
        0.0,
        0.2,
        "probability per month",
        "Monthly chance that a regular worker falls into exploitation (no protection).",
    ),
    _p(
        "exploitation_base_irregular",
        "float",
        0.012,
        0.0,
        0.2,
        "probability per month",
        "Monthly chance that an irregular worker falls into exploitation (no protection).",
    ),
    _p(
        "female_vulnerability",
        "float",
        1.5,
        1.0,
        5.0,
        "times",
        "Relative risk of exploitation and trafficking for women.",
    ),
    _p(
        "exploitation_exit_per_month",
        "float",
        0.1,
        0.0,
        1.0,
        "probability per month",
        "Monthly chance an exploitation case ends without protection (raised by protection).",
    ),
    _p(
        "protection_effectiveness",
        "float",
        0.8,
        0.0,
        1.0,
        "share",
        "Share of the exploitation risk that protection removes where it reaches everyone "
        "(risk x (1 - effectiveness x coverage)); protection also ends cases faster (exit "
        "chance + coverage / 2).",
    ),
    _p(
        "unemployed_arrest_factor",
        "float",
        1.5,
        1.0,
        5.0,
        "times",
        "Arrest risk of irregular migrants without a job relative to those employed (they "
        "are more visible).",
    ),
    _p(
        "reintegration_months",
        "int",
        24,
        1,
        120,
        "months",
        "How long a returnee reached by a reintegration programme gets its support.",
    ),
    _p(
        "exploitation_wage_loss",
        "float",
        0.5,
        0.0,
        1.0,
        "share of wage",
        "Share of pay withheld while a worker is exploited.",
    ),
    _p(
        "trafficking_probability_per_crossing",
        "float",
        0.01,
        0.0,
        0.5,
        "probability",
        "Chance that an irregular move with a broker of full malpractice ends in "
        "trafficking, before anti-trafficking enforcement.",
    ),
    # recruiters
    _p(
        "agencies_per_corridor",
        "int",
        5,
        1,
        50,
        "agencies",
        "Licensed agencies per corridor.",
        "recruiters",
    ),
    _p("brokers_per_corridor", "int", 5, 1, 50, "brokers", "Brokers per corridor.", "recruiters"),
    _p(
        "regular_capacity_share_per_month",
        "float",
        0.02,
        0.0,
        0.2,
        "share of the corridor's 2010 stock",
        "Monthly placements all licensed agencies of a corridor can process together at the "
        "start (2010); they grow from there where the corridor's "
        "``agency_capacity_growth_per_month`` is above 0.",
        "recruiters",
    ),
    _p(
        "irregular_capacity_share_per_month",
        "float",
        0.03,
        0.0,
        0.2,
        "share of the corridor's 2010 stock",
        "Monthly moves all brokers of a corridor can arrange together.",
        "recruiters",
    ),
    _p(
        "agency_service_fee_share",
        "float",
        0.5,
        0.0,
        1.0,
        "share of regular cost",
        "Share of the world-data regular cost that is the agency's fee (the rest being "
        "official fees).",
        "recruiters",
    ),
    _p(
        "fee_adjustment_rate",
        "float",
        0.05,
        0.0,
        0.5,
        "share per month",
        "How fast recruiters move fees toward what demand for their places allows.",
        "recruiters",
    ),
    _p(
        "agency_malpractice_mean",
        "float",
        0.3,
        0.0,
        1.0,
        "share",
        "Mean malpractice of new licensed agencies (overcharging beyond caps, deception).",
        "recruiters",
    ),
    _p(
        "broker_malpractice_mean",
        "float",
        0.4,
        0.0,
        1.0,
        "share",
        "Mean malpractice of new brokers (deception, debt bondage, trafficking).",
        "recruiters",
    ),
    _p(
        "recruiter_reentry_months",
        "int",
        6,
        1,
        60,
        "months",
        "Months before a blacklisted agency or caught broker is replaced by a new entrant.",
        "recruiters",
    ),
    _p(
        "broker_risk_premium",
        "float",
        1.0,
        0.0,
        5.0,
        "times",
        "Rise in broker fees at full border control and anti-trafficking enforcement.",
        "recruiters",
    ),
    # Japan's technical interns (issue 14, mechanism 5): read only when JPN is in the run
    _p(
        "titp_abscond_base_per_month",
        "float",
        0.0025,
        0.0,
        0.05,
        "probability per month",
        "Monthly chance that a technical intern with no debt and decent conditions leaves the "
        "employer named on the permit (absconds) and stays on irregularly. 0.0025 (3% a "
        "year): 5,803 trainees went missing in 2015 (Ministry of Justice) of 192,655 in Japan "
        "at the end of 2015.",
    ),
    _p(
        "abscond_debt_sensitivity",
        "float",
        0.1,
        0.0,
        2.0,
        "times per month of wage owed",
        "Rise of the absconding hazard per month of the destination's market wage still owed "
        "to brokers and lenders (1 + this x debt / wage): trainees who cannot repay on the "
        "trainee wage leave for better-paid irregular work.",
    ),
    _p(
        "abscond_exploited_factor",
        "float",
        3.0,
        1.0,
        20.0,
        "times",
        "Absconding hazard of an exploited trainee (unpaid wages, abuse: poor conditions) "
        "relative to one who is not.",
    ),
    _p(
        "reentry_fee_usd",
        "float",
        51.0,
        0.0,
        300.0,
        "USD per crossing",
        "What a person sent back pays (bribes, fixers, a guide) to cross again at once "
        "(driver ``reentry_after_forced_return``). No source prices a re-entry: deportees "
        "return to Thailand 'if they pay stiff bribes to Thai police' (HRW 2004). 51 USD is "
        "an order-of-magnitude stand-in from the fees on the other side of the same border: "
        "what each deportee paid the DKBA at Myawaddy to be let go in 2007 (the Guardian, in "
        "the Taipei Times, 2 August 2007); the DKBA's 400-1,200 baht (about 12-40 USD) "
        "(DVB, about 2011).",
    ),
)
