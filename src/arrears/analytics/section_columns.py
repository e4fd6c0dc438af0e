"""Titles, one-paragraph definitions and typed columns of every report section."""

from __future__ import annotations

from typing import Final

from arrears.analytics.report_model import Column, Unit

TITLES: Final[dict[str, str]] = {
    "portfolio": "Portfolio by segment",
    "bucket_trend": "Bucket trend (month ends)",
    "roll_rates": "Roll rates, latest month",
    "flow_rates": "Flow rates by month",
    "net_flow": "Net flow to charge-off",
    "recovery_by_bucket": "Recovery rate by bucket",
    "recovery_by_vintage": "Recovery rate by origination vintage",
    "cure_rate": "Cure and roll-forward rates",
    "recovery_curves": "Recovery curves since delinquency",
    "charge_off_curves": "Recovery curves since charge-off",
    "cost_to_collect": "Cost to collect",
    "cost_by_treatment": "Cost by treatment",
    "experiment_arms": "Experiments: arms",
    "experiment_comparisons": "Experiments: cure rate against the champion",
    "experiment_collected": "Experiments: collected per account against the champion",
    "agent_performance": "Agent performance",
}

DEFINITIONS: Final[dict[str, str]] = {
    "portfolio": "Loans booked by the as-of date by their segment on it: delinquency bucket, "
    "charged off, or paid / closed (nothing outstanding). Outstanding = principal advanced + "
    "interest, fees and charges due − good payments (+ other ledger adjustments), as of the date.",
    "bucket_trend": "The portfolio by segment at each month end and on the as-of date.",
    "roll_rates": "Accounts in each bucket at the previous month end, by their segment at this "
    "month end; rates are shares of the row (by accounts and by outstanding balance at the "
    "previous month end). Each row sums to 100%.",
    "flow_rates": "Per month and bucket: the balance that moved to the next bucket (flow rate) "
    "and the balance charged off directly (charge-off rate), over the bucket's balance at the "
    "previous month end.",
    "net_flow": "Of each unit of balance current at the previous month end, the share that "
    "would reach charge-off if the month's rates applied at every step: P(last bucket) = its "
    "charge-off rate; P(bucket) = charge-off rate + flow rate × P(next bucket). Charged off: "
    "balance of the accounts charged off during the month.",
    "recovery_by_bucket": "Accounts in arrears (1+ DPD) or charged off at the start of the "
    "trailing window, by segment then: good payments in the window over what they owed at its "
    "start. Payers: accounts that paid anything.",
    "recovery_by_vintage": "As recovery by bucket, by the quarter the loan was originated.",
    "cure_rate": "Of the accounts in arrears at the window start (by bucket then), the share at "
    "0 DPD and not charged off at its end (cure), and the share in a worse bucket or charged "
    "off (roll forward).",
    "recovery_curves": "Accounts that became 30+ DPD during a month (30+ at its month end, under "
    "30 at the month end before): cumulative good payments in the months after that month end "
    "over what they owed at it. A month is shown once every account has had it whole.",
    "charge_off_curves": "Accounts charged off during a month: cumulative good payments in the "
    "months after each charge-off date over the amount charged off.",
    "cost_to_collect": "Actions done in the window (due in it, not cancelled or failed) priced "
    "at the treatment catalogue's cost, over the amount collected in the window from accounts "
    "in arrears or charged off at its start; actions and contacts (messages and call tasks) per "
    "recovered account (cured, or charged off and paid).",
    "cost_by_treatment": "Actions done in the window and their catalogue cost, by treatment.",
    "experiment_arms": "Accounts enter on their first decision in an experiment's segments and "
    "are measured once the outcome period has passed: cured (0 DPD, not charged off, at the "
    "end of it) and good payments in it. Means are weighted by inverse assignment "
    "probability; SE = standard error.",
    "experiment_comparisons": "Each challenger (and the hold-out) minus the champion, with the "
    "confidence interval and p-value of a two-sided z-test; accounts per arm needed to detect "
    "the observed difference with the report's power, and how many more that is than now.",
    "experiment_collected": "As the cure-rate comparison, for the good payments per account in "
    "the outcome period (weighted mean, minor units shown as money).",
    "agent_performance": "Call tasks due in the window by the agent assigned: tasks, completed, "
    "accounts, and good payments on those accounts in the outcome period after the agent's "
    "first task on each.",
}

_RATE: Final = "ratio"


def _comparison(unit: Unit) -> tuple[Column, ...]:
    return (
        Column("experiment", "Experiment"),
        Column("arm", "Arm"),
        Column("role", "Role"),
        Column("difference", "Difference", unit),
        Column("ci_low", "CI low", unit),
        Column("ci_high", "CI high", unit),
        Column("p_value", "p-value", "number"),
        Column("verdict", "Verdict"),
        Column("needed_arm", "Needed per arm", "count"),
        Column("still_needed", "Still needed (all arms)", "count"),
    )


COLUMNS: Final[dict[str, tuple[Column, ...]]] = {
    "portfolio": (
        Column("segment", "Segment"),
        Column("accounts", "Accounts", "count"),
        Column("outstanding_minor", "Outstanding", "money"),
        Column("past_due_minor", "Past due", "money"),
    ),
    "bucket_trend": (
        Column("as_of", "Date", "date"),
        Column("segment", "Segment"),
        Column("accounts", "Accounts", "count"),
        Column("outstanding_minor", "Outstanding", "money"),
        Column("past_due_minor", "Past due", "money"),
    ),
    "roll_rates": (
        Column("from_segment", "From"),
        Column("to_segment", "To"),
        Column("accounts", "Accounts", "count"),
        Column("balance_minor", "Balance", "money"),
        Column("account_rate", "Rate (accounts)", _RATE),
        Column("balance_rate", "Rate (balance)", _RATE),
    ),
    "flow_rates": (
        Column("month", "Month end", "date"),
        Column("bucket", "From bucket"),
        Column("from_balance_minor", "Balance", "money"),
        Column("moved_minor", "To next bucket", "money"),
        Column("flow_rate", "Flow rate", _RATE),
        Column("charged_off_minor", "Charged off", "money"),
        Column("charge_off_rate", "Charge-off rate", _RATE),
    ),
    "net_flow": (
        Column("month", "Month end", "date"),
        Column("net_flow", "Net flow to charge-off", _RATE),
        Column("charged_off_minor", "Charged off in month", "money"),
    ),
    "recovery_by_bucket": (
        Column("key", "Segment at start"),
        Column("accounts", "Accounts", "count"),
        Column("balance_minor", "Owed at start", "money"),
        Column("collected_minor", "Collected", "money"),
        Column("recovery_rate", "Recovery rate", _RATE),
        Column("past_due_minor", "Past due at start", "money"),
        Column("past_due_coverage", "Collected ÷ past due", _RATE),
        Column("payers", "Payers", "count"),
    ),
    "recovery_by_vintage": (
        Column("key", "Vintage"),
        Column("accounts", "Accounts", "count"),
        Column("balance_minor", "Owed at start", "money"),
        Column("collected_minor", "Collected", "money"),
        Column("recovery_rate", "Recovery rate", _RATE),
    ),
    "cure_rate": (
        Column("key", "Bucket at start"),
        Column("delinquent", "In arrears", "count"),
        Column("cured", "Cured", "count"),
        Column("cure_rate", "Cure rate", _RATE),
        Column("rolled_forward", "Rolled forward", "count"),
        Column("roll_forward_rate", "Roll-forward rate", _RATE),
    ),
    "recovery_curves": (
        Column("cohort", "Cohort"),
        Column("month", "Months after", "months"),
        Column("accounts", "Accounts", "count"),
        Column("basis_minor", "Owed at start", "money"),
        Column("cumulative_minor", "Collected to date", "money"),
        Column("recovery_rate", "Cumulative recovery", _RATE),
    ),
    "cost_to_collect": (
        Column("cost_minor", "Cost", "money"),
        Column("collected_minor", "Collected", "money"),
        Column("cost_to_collect", "Cost to collect", _RATE),
        Column("actions", "Actions", "count"),
        Column("contacts", "Contacts", "count"),
        Column("recovered", "Recovered accounts", "count"),
        Column("actions_per_recovery", "Actions per recovery", "number"),
        Column("contacts_per_recovery", "Contacts per recovery", "number"),
    ),
    "cost_by_treatment": (
        Column("treatment", "Treatment"),
        Column("kind", "Kind"),
        Column("actions", "Actions", "count"),
        Column("contacts", "Contacts", "count"),
        Column("cost_minor", "Cost", "money"),
    ),
    "experiment_arms": (
        Column("experiment", "Experiment"),
        Column("arm", "Arm"),
        Column("role", "Role"),
        Column("accounts", "Accounts", "count"),
        Column("cured", "Cured", "count"),
        Column("cure_rate", "Cure rate", _RATE),
        Column("cure_rate_se", "SE", _RATE),
        Column("collected_minor", "Collected", "money"),
        Column("mean_collected_minor", "Per account", "money"),
    ),
    "experiment_comparisons": _comparison("ratio"),
    "experiment_collected": _comparison("money"),
    "agent_performance": (
        Column("agent", "Agent"),
        Column("tasks", "Tasks", "count"),
        Column("completed", "Completed", "count"),
        Column("accounts", "Accounts", "count"),
        Column("paying_accounts", "Paying", "count"),
        Column("paying_rate", "Paying rate", _RATE),
        Column("collected_minor", "Collected", "money"),
        Column("collected_per_task", "Per task", "money"),
    ),
    "promise_kept_rate": (
        Column("promises_due", "Promises due", "count"),
        Column("kept", "Kept", "count"),
        Column("kept_rate", "Kept rate", _RATE),
        Column("promised_minor", "Promised", "money"),
    ),
    "right_party_contact_rate": (
        Column("attempts", "Call attempts", "count"),
        Column("right_party_contacts", "Right-party contacts", "count"),
        Column("rpc_rate", "RPC rate", _RATE),
    ),
    "settlement_rate": (
        Column("presented", "Presented", "count"),
        Column("accepted", "Accepted", "count"),
        Column("settlement_rate", "Settlement rate", _RATE),
        Column("balance_minor", "Balance settled", "money"),
        Column("settlement_minor", "Settlement amount", "money"),
        Column("average_discount", "Average discount", _RATE),
    ),
    "plan_completion_rate": (
        Column("ended", "Plans ended", "count"),
        Column("completed", "Completed", "count"),
        Column("completion_rate", "Completion rate", _RATE),
    ),
    "agency_liquidation": (
        Column("agency", "Agency"),
        Column("vintage", "Placed in"),
        Column("placements", "Placements", "count"),
        Column("placed_balance_minor", "Placed balance", "money"),
        Column("collected_minor", "Collected", "money"),
        Column("liquidation_rate", "Liquidation rate", _RATE),
    ),
    "legal_recovery": (
        Column("quarter", "Referred in"),
        Column("cases", "Cases", "count"),
        Column("recovered_minor", "Recovered", "money"),
        Column("costs_minor", "Costs", "money"),
        Column("net_minor", "Net", "money"),
    ),
    "repossession_recovery": (
        Column("quarter", "Repossessed in"),
        Column("repossessions", "Repossessions", "count"),
        Column("sold", "Sold", "count"),
        Column("proceeds_minor", "Proceeds", "money"),
        Column("costs_minor", "Costs", "money"),
        Column("net_minor", "Net", "money"),
    ),
    "portal_funnel": (
        Column("step", "Step"),
        Column("borrowers", "Borrowers", "count"),
        Column("step_conversion", "From previous step", _RATE),
        Column("overall_conversion", "From first step", _RATE),
    ),
}
COLUMNS["charge_off_curves"] = COLUMNS["recovery_curves"]
