"""Policy levers: the one declaration of every policy a scenario can set.

Each lever names the policy of the source chapter (Chheang, "Migrant Workers in a
People-Centered ASEAN Community and ASEAN-Japan Cooperation": its Table 1 policy matrix, the
ASCC Blueprint, the 2007 ASEAN Declaration on Migrant Workers and the ASEAN-Japan Plan of
Action 2011-2015) that it stands for. ``group`` is the row of that policy matrix (plus
enforcement and bilateral/regional levers), used to lay out the dashboard's lever panel.
"""

from __future__ import annotations

from .declarations import FROM_WORLD_DATA, Declaration

__all__ = ["LEVERS", "POLICY_GROUPS"]

POLICY_GROUPS = (
    "human resource development",
    "recruitment",
    "pre-deployment",
    "protection in the destination",
    "remittances",
    "return",
    "enforcement and regularisation",
    "bilateral and regional",
)

D = Declaration

LEVERS: tuple[Declaration, ...] = (
    # ---- receiving states -------------------------------------------------------------
    D(
        "annual_regular_quota",
        "int",
        "destination",
        2_000_000,
        0,
        5_000_000,
        "people per year",
        "recruitment",
        "New regular (work-permit) placements the destination admits from the modelled "
        "origins in a calendar year; once used up, the regular channel closes until January.",
        "guest-worker programmes and quotas of labour-importing states",
        "receiving",
        label="Regular work-permit quota",
    ),
    D(
        "employer_levy_usd_per_month",
        "float",
        "destination",
        0.0,
        0.0,
        1000.0,
        "USD per worker per month",
        "recruitment",
        "Levy an employer pays for each regular migrant worker. It makes regular hiring dearer, "
        "so employers post fewer regular job orders and lean on irregular workers.",
        "receiving states' levies on guest workers",
        "receiving",
        label="Employer levy on regular migrant workers",
    ),
    D(
        "enforcement_monthly_arrest_probability",
        "float",
        "destination",
        0.004,
        0.0,
        0.2,
        "probability per irregular worker per month",
        "enforcement and regularisation",
        "Chance that an irregular migrant is arrested in a given month (raids, checkpoints, "
        "workplace inspections). Arrested workers are detained and then deported.",
        "immigration enforcement against undocumented migrant workers",
        "receiving",
        label="Arrest risk for irregular workers",
    ),
    D(
        "border_area_arrest_probability",
        "float",
        "corridor",
        0.0,
        0.0,
        1.0,
        "probability per recent irregular arrival per month",
        "enforcement and regularisation",
        "Extra chance, on top of the destination's arrest risk, that a migrant who crossed "
        "irregularly on this corridor in the last ``border_area_months`` months, and is "
        "irregular, is arrested in a given month: checkpoints on the roads from the border "
        "and raids in the border provinces, where recent crossers are, not the settled "
        "irregular workforce inland (overstayers of a regular entry are never recent "
        "crossers). 0: enforcement does not single out recent crossers.",
        "immigration enforcement in border provinces and at road checkpoints",
        "receiving",
        label="Border-area arrest risk for recent crossers",
    ),
    D(
        "detention_places",
        "float",
        "destination",
        0.0,
        0.0,
        200_000.0,
        "people (0: no limit)",
        "enforcement and regularisation",
        "Places in the destination's immigration detention depots, for every nationality "
        "(the rest of the world included). An arrest that would put more people in detention "
        "than there are places is not made: the worker stays irregular where they are "
        "(counted in arrests_without_place). "
        "Binds when removals stall (a closed border) and detainees wait in the depots. "
        "0: no limit, every arrest ends in detention.",
        "immigration detention before deportation",
        "receiving",
        label="Detention places",
    ),
    D(
        "employer_sanction_usd_per_irregular_worker",
        "float",
        "destination",
        0.0,
        0.0,
        20000.0,
        "USD per irregular worker found",
        "enforcement and regularisation",
        "Fine on an employer caught with an irregular worker. The expected yearly fine (fine x "
        "yearly chance of being caught) makes employers hire fewer irregular workers and let "
        "some go.",
        "employer sanctions in labour-importing states",
        "receiving",
        label="Fine on employers of irregular workers",
    ),
    D(
        "amnesty_start",
        "months",
        "destination",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "enforcement and regularisation",
        "Months in which an amnesty or registration window opens for irregular workers "
        "already in the country (Thailand's registration drives are the model case).",
        "cooperation to resolve the cases of undocumented migrant workers (2007 Declaration)",
        "receiving",
        label="Amnesty or registration windows open",
    ),
    D(
        "amnesty_length_months",
        "int",
        "destination",
        3,
        1,
        24,
        "months",
        "enforcement and regularisation",
        "How long each amnesty or registration window stays open.",
        "registration windows for undocumented migrant workers",
        "receiving",
        label="Length of an amnesty window",
    ),
    D(
        "amnesty_fee_usd",
        "float",
        "destination",
        100.0,
        0.0,
        2000.0,
        "USD per person",
        "enforcement and regularisation",
        "Fee an irregular worker pays to register (permits, health check, nationality "
        "verification). Workers who cannot pay it from savings do not register.",
        "registration of undocumented migrant workers",
        "receiving",
        label="Registration fee in an amnesty",
    ),
    D(
        "amnesty_eligible_share",
        "float",
        "destination",
        1.0,
        0.0,
        1.0,
        "share of irregular workers",
        "enforcement and regularisation",
        "Share of irregular workers a registration window is open to: conditions such as "
        "employer sponsorship, sector or nationality exclude the rest (Thailand's drives took "
        "nearly everyone; Malaysia's programmes went through employers and agents). It scales "
        "the monthly chance of registering, or, with ``amnesty_eligibility_per_window`` on, "
        "is the share of those in the country at a window's opening who meet its conditions.",
        "registration of undocumented migrant workers",
        "receiving",
        label="Share of irregular workers eligible to register",
    ),
    D(
        "amnesty_eligibility_per_window",
        "bool",
        "destination",
        False,
        None,
        None,
        "on/off",
        "enforcement and regularisation",
        "When on, ``amnesty_eligible_share`` is a share of people: when a window opens, each "
        "person then in the destination (any status abroad) meets its conditions (an "
        "employer who files for them, a sector, being in the country by a date, read as the "
        "opening) or not, once for the whole window; arrivals after the opening, including "
        "those who leave and come back, are not eligible. A window of many months then "
        "registers at most that share, where off (the first version's reading) the share "
        "scales every month's chance of coming forward and a long window reaches nearly "
        "everyone.",
        "eligibility conditions of registration windows (employer sponsorship, in the "
        "country by a date)",
        "receiving",
        label="Eligibility fixed for a window",
    ),
    D(
        "amnesty_verification_months",
        "float",
        "destination",
        0.0,
        0.0,
        24.0,
        "months",
        "enforcement and regularisation",
        "Months between registering in a window and the end of the verification step "
        "(nationality verification by the origin's officials, biometrics, employer "
        "sponsorship). A registrant stays irregular, protected from arrest, until verified. "
        "0: no verification step, registration gives regular status at once.",
        "nationality verification of registered migrant workers (2007 Declaration: cooperation "
        "to resolve the cases of undocumented migrant workers)",
        "receiving",
        label="Verification time after registration",
    ),
    D(
        "amnesty_verification_capacity_per_month",
        "float",
        "destination",
        10_000_000.0,
        0.0,
        10_000_000.0,
        "people per month",
        "enforcement and regularisation",
        "Registrants whose processing time is over that the authorities can verify in a month, "
        "those waiting longest first; the others wait on (and lapse at the deadline). The "
        "default, 10 million, never binds.",
        "administrative capacity of registration and nationality verification",
        "receiving",
        label="Verifications per month",
    ),
    D(
        "amnesty_verification_fee_usd",
        "float",
        "destination",
        0.0,
        0.0,
        2000.0,
        "USD per person",
        "enforcement and regularisation",
        "Fee paid from savings at verification (passport or certificate of identity, "
        "biometrics, work permit, health insurance), beside the registration fee. A registrant "
        "who cannot pay it lapses back to irregular status.",
        "nationality verification and work permits for registered migrant workers",
        "receiving",
        label="Verification fee",
    ),
    D(
        "amnesty_verification_failure_share",
        "float",
        "destination",
        0.0,
        0.0,
        1.0,
        "share of verifications",
        "enforcement and regularisation",
        "Share of verified registrants whose verification fails (nationality not confirmed, "
        "no employer to sponsor them, biometrics matching a blacklist); they lapse back to "
        "irregular status.",
        "nationality verification of registered migrant workers",
        "receiving",
        label="Verifications that fail",
    ),
    D(
        "amnesty_verification_deadline_months",
        "int",
        "destination",
        12,
        1,
        60,
        "months",
        "enforcement and regularisation",
        "Months after registering by which verification must be finished; a registrant still "
        "waiting then (processing, or in the queue behind the capacity) lapses back to "
        "irregular status. It acts only where verification takes time.",
        "deadlines of registration and nationality verification programmes",
        "receiving",
        label="Deadline to finish verification",
    ),
    D(
        "amnesty_return_track",
        "bool",
        "destination",
        False,
        None,
        None,
        "on/off",
        "enforcement and regularisation",
        "When on, a window also offers repatriation without penalty: irregular workers who "
        "come forward but cannot be legalised (not eligible, or unable to pay the fee) go home "
        "through the programme instead of staying on irregularly.",
        "voluntary return of undocumented migrant workers without penalty (an amnesty "
        "track of regularisation programmes; Table 1: return and reintegration)",
        "receiving",
        label="Return track in a window",
    ),
    D(
        "amnesty_enforcement_threat",
        "float",
        "destination",
        0.0,
        0.0,
        1.0,
        "intensity (0-1)",
        "enforcement and regularisation",
        "How loudly the state announces enforcement against those who do not come forward "
        "(0: none; 0.5: enforcement announced for after the deadline; 1: the window opened "
        "amid a crackdown, which ``amnesty_high_threat_months`` marks month by month). It "
        "raises take-up with ``amnesty_takeup_threat_sensitivity``; it does not itself "
        "change the arrest rate.",
        "enforcement announced with registration windows",
        "receiving",
        label="Enforcement announced with a window",
    ),
    D(
        "amnesty_high_threat_months",
        "months",
        "destination",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "enforcement and regularisation",
        "Months in which a window is open amid a declared crackdown on undocumented workers "
        "(raids or arrests under way or ordered in the last 3 months) or within 6 months of "
        "new penalties on them or their employers taking effect (Thailand's windows of 2014, "
        "amid the junta's crackdown, and of 2017, weeks after a decree's heavy fines): in "
        "those months the window's announced threat is 1 instead of "
        "``amnesty_enforcement_threat``. A month without an open window does nothing. It "
        "changes neither the arrest rate nor the risk migrants perceive "
        "(``enforcement_scare_start`` does).",
        "enforcement announced with registration windows",
        "receiving",
        label="Windows open amid a crackdown",
    ),
    D(
        "amnesty_information_coverage",
        "float",
        "destination",
        0.0,
        0.0,
        1.0,
        "share of irregular workers reached",
        "enforcement and regularisation",
        "Share of irregular workers an information campaign on the window reaches (in their "
        "languages, through employers, unions, migrant associations). It raises take-up with "
        "``amnesty_takeup_information_sensitivity``.",
        "information campaigns for migrant workers (Table 1: information dissemination)",
        "receiving",
        label="Information campaign on a window",
    ),
    D(
        "amnesty_origin_eligible",
        "bool",
        "corridor",
        True,
        None,
        None,
        "on/off",
        "enforcement and regularisation",
        "Whether irregular workers from the corridor's origin may register in the "
        "destination's windows (Thailand's drives were for workers from Myanmar, Cambodia and "
        "Lao PDR; Malaysia's were open to every nationality). Those who come forward from an "
        "origin left out cannot be legalised (they may take a return track).",
        "registration of undocumented migrant workers by nationality (bilateral MOUs; 2007 "
        "Declaration)",
        "receiving",
        label="Origin eligible to register",
    ),
    D(
        "return_programme_start",
        "months",
        "destination",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "enforcement and regularisation",
        "Months in which a return-only programme opens: irregular workers who come forward "
        "and pay its fee go home without prosecution, and nobody is legalised (Malaysia's 3+1 "
        "programme, 2014-2018, and Back for Good, 2019, are the model cases). Separate from "
        "the amnesty windows, which legalise; both may be open at once.",
        "voluntary return of undocumented migrant workers without penalty (Table 1: return "
        "and reintegration)",
        "receiving",
        label="Return-only programme opens",
    ),
    D(
        "return_programme_length_months",
        "int",
        "destination",
        3,
        1,
        60,
        "months",
        "enforcement and regularisation",
        "How long each return-only programme stays open (one length per destination: a "
        "longer programme is written as several starts).",
        "voluntary return of undocumented migrant workers without penalty",
        "receiving",
        label="Length of a return-only programme",
    ),
    D(
        "return_programme_fee_usd",
        "float",
        "destination",
        0.0,
        0.0,
        2000.0,
        "USD per person",
        "enforcement and regularisation",
        "What a worker pays to leave through a return-only programme (a compound fine and a "
        "special pass in Malaysia's). Workers whose savings do not cover it stay. The "
        "take-up's fee sensitivity reads it as the amnesty's.",
        "voluntary return of undocumented migrant workers without penalty",
        "receiving",
        label="Fee to leave through a return-only programme",
    ),
    D(
        "migrant_minimum_wage_usd_per_month",
        "float",
        "destination",
        0.0,
        0.0,
        3000.0,
        "USD per month",
        "protection in the destination",
        "Minimum monthly wage that applies to regular migrant workers (0 = none beyond the "
        "market wage). A binding minimum raises regular pay but employers then post fewer "
        "regular job orders.",
        "decent, remunerative employment for migrant workers (2007 Declaration, item a)",
        "receiving",
        label="Minimum wage for migrant workers",
    ),
    D(
        "protection_coverage",
        "float",
        "destination",
        0.1,
        0.0,
        1.0,
        "share of migrant workers reached",
        "protection in the destination",
        "Monitoring, consultation and complaint mechanisms with access to justice. Lowers the "
        "monthly chance of exploitation, ends exploitation sooner and turns complaints into "
        "inspections of the recruiter involved.",
        "Table 1: protection in the destination country (monitoring, consultation, human "
        "rights and justice)",
        "receiving",
        label="Protection and complaint mechanisms",
    ),
    D(
        "social_security_portability",
        "float",
        "destination",
        0.0,
        0.0,
        1.0,
        "share of contributions paid out on return",
        "protection in the destination",
        "Share of social-security contributions a regular worker takes home. Makes the regular "
        "channel worth more and overstaying (which forfeits it) worth less.",
        "portability of social security benefits (ASEAN-Japan Plan of Action 2011-2015)",
        "receiving",
        label="Portable social security",
    ),
    D(
        "permit_employer_tie",
        "float",
        "destination",
        0.0,
        0.0,
        1.0,
        "strength (0-1)",
        "protection in the destination",
        "How strictly a work permit is tied to the employer named on it: the chance that a "
        "regular worker who leaves that employer (taken on elsewhere after a layoff, out of an "
        "exploitative job, or a job move of their own) loses regular status and works on "
        "irregularly. 0: the permit moves with the worker; 1: leaving voids it.",
        "rights of migrant workers to change employer; protection in the destination country "
        "(Table 1: human rights and justice)",
        "receiving",
        label="Work permit tied to the employer",
    ),
    D(
        "regular_stay_limit_months",
        "int",
        "destination",
        0,
        0,
        240,
        "months",
        "return",
        "Longest a migrant worker may hold work permits in this destination on one stay: a "
        "contract whose renewal would run past it is not renewed (the permit ends: the worker "
        "goes home or overstays, ``overstay_probability``); months on a permit are counted "
        "from arrival or legalisation. 0: no limit. Thailand's MOU employment is 'deemed "
        "completed after 4 years' (48 months; MMN 2014); Malaysia let workers employed for "
        "10 years (120) extend by at most 3 from October 2018 (formal sectors, a yearly "
        "levy). Not modelled: the break before a new permit, or its absence (Thailand's MOU "
        "workers re-entered within days in 2024). Japan's programme workers have their own "
        "fixed terms and never reach this check.",
        "duration of employment and return at contract end (Table 1: return and reintegration)",
        "receiving",
        label="Longest stay on work permits",
    ),
    D(
        "documents_held_share",
        "float",
        "destination",
        0.0,
        0.0,
        1.0,
        "share of regular migrant workers",
        "protection in the destination",
        "Share of regular migrant workers whose passport or permit is held by their employer or "
        "broker. Leaving an employer or an exploitative job without one's documents means "
        "irregularity (the employer who holds them still applies for a renewal).",
        "protection in the destination country (Table 1: monitoring, human rights and justice)",
        "receiving",
        label="Workers whose documents are held",
    ),
    D(
        "document_retention_ban_enforcement",
        "float",
        "destination",
        0.0,
        0.0,
        1.0,
        "intensity (0-1)",
        "protection in the destination",
        "How well a ban on employers and brokers keeping workers' passports and permits is "
        "enforced (inspections, complaints): it removes that share of the documents held.",
        "Table 1: protection in the destination country (monitoring, human rights and justice)",
        "receiving",
        label="Ban on holding workers' documents enforced",
    ),
    D(
        "permit_renewal_fee_usd",
        "float",
        "destination",
        0.0,
        0.0,
        3000.0,
        "USD per renewal",
        "recruitment",
        "Fee a regular worker pays to renew a work permit at the end of a contract (permit, "
        "visa, levy passed on, medical check, agent), from savings or borrowed. A worker who "
        "can neither pay nor borrow it loses the permit and stays on irregularly or goes home.",
        "Table 1: recruitment (rules and regulations): the cost of keeping a work permit",
        "receiving",
        label="Work permit renewal fee",
    ),
    D(
        "permit_renewal_processing_months",
        "float",
        "destination",
        0.0,
        0.0,
        12.0,
        "months",
        "recruitment",
        "Months a permit renewal takes to process. While it is processed the old permit can "
        "lapse (``renewal_lapse_per_processing_month`` per month), leaving the worker "
        "irregular.",
        "Table 1: recruitment (rules and regulations): the time it takes to keep a work permit",
        "receiving",
        label="Work permit renewal processing time",
    ),
    # ---- sending states ---------------------------------------------------------------
    D(
        "recruitment_fee_cap_usd",
        "float",
        "origin",
        5000.0,
        0.0,
        10000.0,
        "USD per worker",
        "recruitment",
        "Cap on what a licensed agency may charge a worker. Compliant agencies respect it; "
        "agencies that practise malpractice overcharge until inspected and blacklisted.",
        "caps on recruitment fees; regulation of recruitment (ASCC Blueprint)",
        "sending",
        label="Cap on recruitment fees",
    ),
    D(
        "agency_inspection_rate",
        "float",
        "origin",
        0.02,
        0.0,
        1.0,
        "probability per agency per month",
        "recruitment",
        "Chance that the labour ministry inspects a licensed agency in a month. Agencies "
        "caught in malpractice are blacklisted and replaced by new entrants.",
        "accreditation of agencies and blacklisting of negligent or unlawful agencies (ASCC "
        "Blueprint)",
        "sending",
        label="Inspections of recruitment agencies",
    ),
    D(
        "deployment_ban_start",
        "months",
        "corridor",
        (),
        None,
        None,
        "months (YYYY-MM)",
        "pre-deployment",
        "Months in which the origin bans regular deployment to the destination (for example "
        "Cambodia to Malaysia, 2011-2017). During a ban only the irregular channel is open.",
        "sending states' deployment bans to protect their workers",
        "sending",
        label="Deployment bans start",
    ),
    D(
        "deployment_ban_length_months",
        "int",
        "corridor",
        12,
        1,
        312,
        "months",
        "pre-deployment",
        "How long each deployment ban lasts.",
        "sending states' deployment bans",
        "sending",
        label="Length of a deployment ban",
    ),
    D(
        "predeparture_training_coverage",
        "float",
        "origin",
        0.1,
        0.0,
        1.0,
        "share of regular migrants trained",
        "human resource development",
        "Vocational, language and rights training before departure for regular migrants. "
        "Trained workers earn more abroad and are less often exploited.",
        "Table 1: human resource development (vocational training, skills, languages)",
        "sending",
        label="Pre-departure training",
    ),
    D(
        "contract_loan_share",
        "float",
        "origin",
        0.0,
        0.0,
        1.0,
        "share of a regular move's cost",
        "pre-deployment",
        "Share of the cost of a regular (contract) move that workers from this origin can "
        "borrow against the job contract, from state schemes or lenders, beyond what they "
        "can borrow otherwise. It lets people without savings take dear contracts (Viet Nam "
        "and Cambodia to Japan); the loan is repaid from the wages abroad.",
        "Table 1: pre-deployment (financial support for migrants' departure: state loans to "
        "contract workers, such as Viet Nam's Decree 61/2015 and Indonesia's KUR TKI)",
        "sending",
        label="Loans for contract workers' moves",
    ),
    D(
        "information_campaign_coverage",
        "float",
        "origin",
        0.1,
        0.0,
        1.0,
        "share of potential migrants reached",
        "pre-deployment",
        "Information sharing and introduction to support networks before departure. Reached "
        "workers see the true risks of arrest and exploitation and find the regular procedure "
        "less daunting.",
        "Table 1: recruitment (information sharing) and pre-deployment (support networks); "
        "data sharing (ASCC Blueprint)",
        "sending",
        label="Information and support networks before departure",
    ),
    D(
        "reintegration_programme_coverage",
        "float",
        "origin",
        0.05,
        0.0,
        1.0,
        "share of returnees reached",
        "return",
        "Reintegration, training and entrepreneurship support for returnees. Raises their "
        "income at home for two years and so lowers re-migration.",
        "Table 1: return to original country (re-integration, training, entrepreneurship)",
        "sending",
        label="Reintegration programmes for returnees",
    ),
    # ---- bilateral and regional -------------------------------------------------------
    D(
        "regular_processing_months",
        "float",
        "corridor",
        FROM_WORLD_DATA,
        0.0,
        24.0,
        "months",
        "bilateral and regional",
        "Mean time from signing with a licensed agency to departure through the regular "
        "(MOU) channel.",
        "bilateral MOUs; high cost and complexity of regular migration",
        "bilateral",
        label="Time to depart through the regular channel",
    ),
    D(
        "regular_official_fee_usd",
        "float",
        "corridor",
        FROM_WORLD_DATA,
        0.0,
        10000.0,
        "USD per worker",
        "bilateral and regional",
        "Official fees of the regular channel paid by the worker (passport, visa, work permit, "
        "health check), on top of the agency's service fee.",
        "bilateral MOUs; regional harmonisation of procedures",
        "bilateral",
        label="Official fees of the regular channel",
    ),
    D(
        "remittance_cost_pct",
        "float",
        "corridor",
        FROM_WORLD_DATA,
        0.0,
        30.0,
        "percent of the amount sent",
        "remittances",
        "Total cost of sending money home (fees and exchange-rate margin). The SDG target is "
        "below 3%.",
        "Table 1: remittances (harmonisation to reduce cost and time); harmonisation of "
        "remittance charges (ASEAN-Japan Plan of Action)",
        "bilateral",
        label="Cost of sending money home",
    ),
    D(
        "anti_trafficking_enforcement",
        "float",
        "destination",
        0.1,
        0.0,
        1.0,
        "intensity (0-1)",
        "enforcement and regularisation",
        "Police and cross-border action against smugglers and traffickers: each month a broker "
        "is caught with probability intensity x (0.5 + malpractice / 2) and removed; the rest "
        "charge a risk premium; trafficking during irregular moves falls.",
        "stiffer penalties and enforcement against trafficking (2004 Declaration, COMMIT, "
        "Bali Process)",
        "bilateral",
        label="Anti-trafficking enforcement",
    ),
    D(
        "border_control",
        "float",
        "destination",
        0.1,
        0.0,
        1.0,
        "intensity (0-1)",
        "enforcement and regularisation",
        "Border surveillance. A share of irregular crossings (up to the "
        "``border_interception_max`` parameter) is intercepted and sent back; smugglers "
        "charge more.",
        "border and visa regimes",
        "bilateral",
        label="Border control",
    ),
    D(
        "seasonal_share",
        "float",
        "corridor",
        0.0,
        0.0,
        1.0,
        "share of arrivals",
        "bilateral and regional",
        "Share of the corridor's arrivals whose stay lasts a season (``season_length_months``): "
        "seasonal and cross-border commuting under border passes and seasonal schemes "
        "(Cambodia and Lao PDR to Thailand). They go home when the season ends and may go "
        "again the next season (``seasonal_decision_factor``). 0: no seasonal stays.",
        "border passes and seasonal employment under bilateral MOUs (Thailand's border "
        "employment for Cambodian and Lao workers)",
        "bilateral",
        label="Seasonal and cross-border stays",
    ),
    D(
        "asean_japan_training_cooperation",
        "float",
        "global",
        0.0,
        0.0,
        1.0,
        "intensity (0-1)",
        "human resource development",
        "ASEAN-Japan human-resource development: training of workers bound for Japan (coverage "
        "at least this share) and subsidy of up to half of the Japan channel's official fees.",
        "ASEAN-Japan Plan of Action 2011-2015; ASEAN-Japan CLMV human resources programme",
        "bilateral",
        label="ASEAN-Japan training cooperation",
    ),
    # ---- Japan's programmes (issue 14, mechanism 5): read only when JPN is in the run -----
    D(
        "titp_max_stay_months",
        "int",
        "global",
        36,
        12,
        60,
        "months",
        "bilateral and regional",
        "Longest stay of a Technical Intern Training (TITP) trainee in Japan: a fixed term with "
        "no renewal; at its end the trainee goes home or stays on irregularly. 36: stages (i) "
        "and (ii); 60 with the stage (iii) extension of the 2017 Technical Intern Training Act.",
        "Japan's Technical Intern Training Program (ASEAN-Japan human resources cooperation)",
        "bilateral",
        label="TITP: longest stay",
    ),
    D(
        "ssw_max_stay_months",
        "int",
        "global",
        60,
        12,
        60,
        "months",
        "bilateral and regional",
        "Longest stay of a Specified Skilled Worker (i) in Japan: renewed yearly up to five "
        "years in all (modelled as one fixed term), then home or an irregular stay.",
        "Japan's Specified Skilled Worker status (i), from April 2019",
        "bilateral",
        label="SSW (i): longest stay",
    ),
    D(
        "ssw_cost_share",
        "float",
        "global",
        0.5,
        0.0,
        1.0,
        "share of the TITP fee",
        "bilateral and regional",
        "What a Specified Skilled Worker pays for recruitment, as a share of the recruiter's fee "
        "on the corridor's technical-intern channel (the SSW route has no sending and "
        "supervising organisations to pay for, and the 2019 cooperation memoranda bar "
        "deposits, but brokers still charge). Settled after signing; the choice weighs the "
        "TITP fee.",
        "Memoranda of Cooperation on Specified Skilled Workers (Japan with the sending states)",
        "bilateral",
        label="SSW: share of the TITP fee paid",
    ),
    # ---- adaptive receiving states ----------------------------------------------------
    D(
        "adaptive_policy",
        "bool",
        "destination",
        False,
        None,
        None,
        "on/off",
        "enforcement and regularisation",
        "When on, the receiving state adapts by rule: it doubles enforcement (by "
        "``crackdown_enforcement_multiplier``) while the irregular stock exceeds the threshold "
        "and raises next year's quota when employers report a shortage.",
        "receiving states' flexibility in applying domestic policy",
        "receiving",
        label="Crackdown by rule when the irregular stock is high",
    ),
    D(
        "crackdown_threshold_irregular_people",
        "float",
        "destination",
        1_500_000.0,
        0.0,
        10_000_000.0,
        "people",
        "enforcement and regularisation",
        "Irregular stock (from all origins of the run, the rest of the world included when on) "
        "above which an adaptive state cracks down.",
        "crackdowns on undocumented migrants",
        "receiving",
        label="Irregular stock that triggers a crackdown",
    ),
    D(
        "crackdown_enforcement_multiplier",
        "float",
        "destination",
        2.0,
        1.0,
        10.0,
        "times",
        "enforcement and regularisation",
        "Factor on the arrest probability during an adaptive crackdown.",
        "crackdowns on undocumented migrants",
        "receiving",
        label="Arrest risk multiplier in a crackdown",
    ),
    D(
        "quota_increase_on_shortage_pct",
        "float",
        "destination",
        20.0,
        0.0,
        200.0,
        "percent per year",
        "recruitment",
        "How much an adaptive state raises next year's regular quota when vacancies go unfilled.",
        "guest-worker programmes responding to labour shortage",
        "receiving",
        label="Quota increase when workers are short",
    ),
)
