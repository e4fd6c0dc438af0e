"""Who reports: the Header Record of the month's file (metro2.md §5.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from arrears.formats.metro2 import HeaderRecord

SOFTWARE = "ARREARS"


@dataclass(frozen=True)
class Reporter:
    """The furnisher as the bureaus know it: name, address, telephone and the program
    identifiers each bureau assigned."""

    name: str
    address: str
    telephone: int = 0
    equifax_program_id: str = ""
    experian_program_id: str = ""
    transunion_program_id: str = ""
    innovis_program_id: str = ""

    def header(self, *, activity: date, created: date) -> HeaderRecord:
        """The Header Record for the period ending ``activity``, created on ``created``."""
        return HeaderRecord(
            activity_date=activity,
            date_created=created,
            reporter_name=self.name,
            reporter_address=self.address,
            reporter_telephone_number=self.telephone,
            equifax_program_identifier=self.equifax_program_id,
            experian_program_identifier=self.experian_program_id,
            transunion_program_identifier=self.transunion_program_id,
            innovis_program_identifier=self.innovis_program_id,
            software_vendor_name=SOFTWARE,
        )
