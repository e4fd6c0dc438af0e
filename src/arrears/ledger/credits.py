"""How each kind of credit is booked: its counter account, entry kind and memo."""

from __future__ import annotations

from arrears.domain.credits import CreditKind
from arrears.ledger.accounts import Account
from arrears.ledger.entries import EntryKind

#: The account each kind of credit is booked against (the debit side of its entry).
COUNTER_ACCOUNT: dict[CreditKind, Account] = {
    CreditKind.PAYMENT: Account.CASH,
    CreditKind.AGENCY: Account.CASH,
    CreditKind.WAIVER: Account.WAIVED,
    CreditKind.WRITE_OFF: Account.WRITTEN_OFF,
    CreditKind.SALE_PROCEEDS: Account.SALE_PROCEEDS,
}

#: The kind of journal entry each credit makes.
ENTRY_KIND: dict[CreditKind, EntryKind] = {
    CreditKind.PAYMENT: EntryKind.PAYMENT,
    CreditKind.AGENCY: EntryKind.PAYMENT,
    CreditKind.WAIVER: EntryKind.WAIVER,
    CreditKind.WRITE_OFF: EntryKind.WRITE_OFF,
    CreditKind.SALE_PROCEEDS: EntryKind.PROCEEDS,
}

#: The memo of each kind's entry.
MEMO: dict[CreditKind, str] = {
    CreditKind.PAYMENT: "payment received",
    CreditKind.AGENCY: "payment received",
    CreditKind.WAIVER: "waived",
    CreditKind.WRITE_OFF: "written off",
    CreditKind.SALE_PROCEEDS: "sale proceeds applied",
}
